using CacheCluster.Bench.Measurement;
using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Targets;
using CacheCluster.Bench.Workload;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Bench.Batches;

/// <summary>
/// The batch scenario: keys per second through 100-key batches (<c>GetManyBytesAsync</c>, <c>SetManyBytesAsync</c>)
/// beside single-key calls (<c>TryGetBytesAsync</c>, <c>SetBytesAsync</c>) of the same client, in the same run, over the
/// same keys (1 KiB values, near cache off). Every value read is checked. The batch row's ops/s and CPU are per key,
/// so the ratio is keys/s of batches over keys/s of single-key calls (target ≥ 5×). Latencies of the batch rows include
/// the wait for one of the <see cref="BatchesInFlight"/> slots.
/// </summary>
internal static class BatchScenario
{
    public const string Name = "BATCH";

    private const int BatchSize = 100;

    /// <summary>
    /// Batches in flight at once, whatever the callers: 800 keys, against the 64 of the single-key calls. 64 batches of
    /// 100 keys at once (6,400 entry calls) overload a 2-core silo past the client's ClusterTimeout.
    /// </summary>
    private const int BatchesInFlight = 8;
    private const int Seed = 31;

    public static async Task RunAsync(BenchContext context, KeySpace space, CancellationToken cancellationToken)
    {
        context.Log.WriteLine($"batch: {BatchSize}-key batches against single-key calls, {space.Count:N0} keys of {space.ValueBytes} B, {context.Settings.Callers} callers");
        var cache = context.Cluster.GetRequiredService<IClusterCache>();
        var single = new ClusterCacheTarget(cache, "single-key calls of the same client");
        var keys = space.Keys("b:cc:");
        await TimedRun.LoadAsync(context, single, keys, space, cancellationToken);
        var picker = TimedRun.Uniform(space.Count, Seed);

        var singleGet = await TimedRun.MeasureAsync(context, "batch get", Labelled(single, "CacheCluster single-key", "TryGetBytesAsync, one key per call"), TimedRun.VerifiedRead(single, keys, space, cancellationToken), picker);
        var batchGet = PerKey(await TimedRun.MeasureAsync(context, "batch get", Labelled(single, "CacheCluster", $"GetManyBytesAsync, {BatchSize} keys per call"), GetMany(cache, keys, space, cancellationToken), picker));
        TimedRun.Record(context, [batchGet, singleGet]);

        var singleSet = await TimedRun.MeasureAsync(context, "batch set", Labelled(single, "CacheCluster single-key", "SetBytesAsync, one key per call"), Set(single, keys, space, cancellationToken), picker);
        var batchSet = PerKey(await TimedRun.MeasureAsync(context, "batch set", Labelled(single, "CacheCluster", $"SetManyBytesAsync, {BatchSize} keys per call"), SetMany(cache, keys, space, cancellationToken), picker));
        TimedRun.Record(context, [batchSet, singleSet]);
        context.Log.WriteLine($"  batch: get {batchGet.OpsPerSecond / singleGet.OpsPerSecond:0.0}x, set {batchSet.OpsPerSecond / singleSet.OpsPerSecond:0.0}x the keys/s of single-key calls");
    }

    /// <summary>A batch row counted in keys: ops/s and CPU per key; latencies stay per batch call.</summary>
    private static ThroughputRow PerKey(ThroughputRow row) => row with
    {
        Operations = row.Operations * BatchSize,
        OpsPerSecond = row.OpsPerSecond * BatchSize,
        Cpu = row.Cpu is { } cpu ? cpu with
        {
            BenchMicroseconds = cpu.BenchMicroseconds / BatchSize,
            SiloMicroseconds = cpu.SiloMicroseconds / BatchSize,
            RedisMicroseconds = cpu.RedisMicroseconds / BatchSize,
        } : null,
    };

    private static LabelledTarget Labelled(ICacheTarget target, string name, string setup) => new LabelledTarget(target, name, setup);

    /// <summary>The keys of one batch: <see cref="BatchSize"/> in a row from a random start, so each batch is distinct keys.</summary>
    private static int[] Batch(int start, int count) => [.. Enumerable.Range(0, BatchSize).Select(i => (start + i) % count)];

    private static readonly SemaphoreSlim InFlight = new(BatchesInFlight);

    private static Func<int, ValueTask<Outcome>> GetMany(IClusterCache cache, string[] keys, KeySpace space, CancellationToken cancellationToken) =>
        async start =>
        {
            var indexes = Batch(start, keys.Length);
            IReadOnlyList<CacheReadResult> reads;
            await InFlight.WaitAsync(cancellationToken);
            try
            {
                reads = await cache.GetManyBytesAsync([.. indexes.Select(i => keys[i])], cancellationToken: cancellationToken);
            }
            finally
            {
                InFlight.Release();
            }

            for (var j = 0; j < indexes.Length; j++)
            {
                if (reads[j].Value is not { } value || !space.Matches(indexes[j], value.Data))
                {
                    throw new BenchFailureException($"GetManyBytesAsync returned {(reads[j].Value is null ? "a miss" : "wrong bytes")} for {keys[indexes[j]]}");
                }
            }

            return Outcome.Allowed;
        };

    private static Func<int, ValueTask<Outcome>> Set(ClusterCacheTarget target, string[] keys, KeySpace space, CancellationToken cancellationToken) =>
        async i =>
        {
            await target.SetAsync(keys[i], space.Value(i), cancellationToken);
            return Outcome.Allowed;
        };

    private static Func<int, ValueTask<Outcome>> SetMany(IClusterCache cache, string[] keys, KeySpace space, CancellationToken cancellationToken) =>
        async start =>
        {
            var indexes = Batch(start, keys.Length);
            await InFlight.WaitAsync(cancellationToken);
            try
            {
                await cache.SetManyBytesAsync([.. indexes.Select(i => KeyValuePair.Create(keys[i], new CacheValue(space.Value(i))))], cancellationToken: cancellationToken);
            }
            finally
            {
                InFlight.Release();
            }

            return Outcome.Allowed;
        };

    private sealed class LabelledTarget(ICacheTarget inner, string name, string setup) : ICacheTarget
    {
        public string Name => name;

        public string Setup => setup;

        public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

        public ValueTask SetAsync(string key, byte[] value, CancellationToken cancellationToken) => inner.SetAsync(key, value, cancellationToken);
    }
}
