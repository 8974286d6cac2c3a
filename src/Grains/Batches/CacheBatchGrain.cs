using CacheCluster.Entries;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CacheCluster.Batches;

/// <summary>
/// Many keys in one message. A stateless worker, so it runs on the silo that received the call (a client's gateway, or
/// the silo serving HTTP) with no extra hop; reentrant, since it keeps no state. It calls every key's entry grain at
/// once, so a batch costs the caller one message and one round trip, and each entry grain still applies its own key's
/// rules (validation, leases, tracking, write-through) exactly as for a single-key call. A plain get of a key whose
/// activation is on this silo is answered from the silo's <see cref="EntryReadView"/> instead, with no grain call, and
/// plain sets of such keys are stored in one pipelined store call (<c>.LocalSets</c>).
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed partial class CacheBatchGrain(
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
    IEntryStore store,
    IOptions<CacheClusterOptions> options,
    EntryReadView readView,
    ILogger<CacheBatchGrain> logger) : Grain, ICacheBatchGrain
{
    private readonly int _maxKeyBytes = options.Value.MaxKeyBytes;

    public Task<CacheBatchAnswer<CacheTrackedRead>[]> GetManyAsync(string[] keys, INearCacheObserver? tracker) =>
        tracker is null
            ? GetUntrackedAsync(keys)
            : FanOutAsync(keys, "GetMany", (grain, _) => grain.GetTrackedAsync(tracker));

    public Task<CacheBatchAnswer<bool>[]> RemoveManyAsync(string[] keys) =>
        FanOutAsync(keys, "RemoveMany", static (grain, _) => grain.DeleteAsync());

    public Task<CacheBatchAnswer<CacheLookup>[]> GetOrLeaseManyAsync(string[] keys, CacheLeaseRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        return FanOutAsync(keys, "GetOrLeaseMany", (grain, _) => grain.GetOrLeaseAsync(request));
    }

    public Task<CacheBatchAnswer<bool>[]> ReleaseManyAsync(string[] keys, long[] leaseTokens, CacheLeaseRelease release, string? error, TimeSpan? failSafeThrottle)
    {
        ArgumentNullException.ThrowIfNull(leaseTokens);
        if (keys?.Length != leaseTokens.Length)
        {
            throw new InvalidCacheRequestException("A batch release needs one lease token per key.") { Operation = "ReleaseMany" };
        }

        return FanOutAsync(keys, "ReleaseMany", async (grain, i) =>
        {
            await grain.ReleaseLeaseAsync(leaseTokens[i], release, error, failSafeThrottle);
            return true;
        });
    }

    /// <summary>
    /// Plain gets: each key whose activation is on this silo is answered from the read view at once; only the others
    /// (and those the view sends back: expired, not a value, due for a grain call) make a grain call.
    /// </summary>
    private Task<CacheBatchAnswer<CacheTrackedRead>[]> GetUntrackedAsync(string[] keys)
    {
        CheckSize(keys, "GetMany");
        return BatchViewReads.GetManyAsync(GrainFactory, readView, _maxKeyBytes, keys, tracker: null, here: null);
    }

    /// <summary>Refuses a null batch, or one over <see cref="ICacheBatchGrain.MaxKeys"/>, with the typed error (also for <see cref="SiloReadGrain"/>).</summary>
    internal static void CheckSize(string[] keys, string operation)
    {
        ArgumentNullException.ThrowIfNull(keys);
        CheckSize(keys.Length, operation);
    }

    private static void CheckSize(int count, string operation)
    {
        if (count > ICacheBatchGrain.MaxKeys)
        {
            throw new InvalidCacheRequestException($"A batch takes at most {ICacheBatchGrain.MaxKeys} keys (was {count}).") { Operation = operation };
        }
    }

    private async Task<CacheBatchAnswer<T>[]> FanOutAsync<T>(string[] keys, string operation, Func<ICacheEntryGrain, int, Task<T>> call)
    {
        CheckSize(keys, operation);
        var calls = new Task<CacheBatchAnswer<T>>[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            calls[i] = AnswerAsync(keys[i], i, call);
        }

        return await Task.WhenAll(calls);
    }

    private async Task<CacheBatchAnswer<T>> AnswerAsync<T>(string key, int index, Func<ICacheEntryGrain, int, Task<T>> call)
    {
        try
        {
            // Checked here as well as by the entry grain: a key Orleans cannot address must not reach GetGrain.
            CacheKey.Validate(key, _maxKeyBytes);
            return new CacheBatchAnswer<T>(await call(EntryGrainReferences.Get(GrainFactory, key), index), null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new CacheBatchAnswer<T>(default, ex);
        }
    }
}
