using System.Reflection;
using CacheCluster.Diagnostics;
using CacheCluster.Eviction;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace CacheCluster.Operations;

/// <summary>
/// Runs on the silo its key names (<see cref="SiloPinnedPlacementAttribute"/>) and answers with that silo's figures,
/// hot keys and slow log. It holds nothing itself: everything is read from the silo's services on each call.
/// </summary>
[SiloPinnedPlacement]
[Reentrant]
internal sealed class SiloOperationsGrain(
    SiloOperations operations,
    CacheClusterMetrics metrics,
    IServiceProvider services,
    IOptions<EvictionOptions> eviction) : Grain, ISiloOperationsGrain
{
    /// <summary>The CacheCluster version: the informational version of this assembly, without the source revision.</summary>
    internal static readonly string Version =
        (typeof(SiloOperationsGrain).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    public Task<SiloFigures> GetFiguresAsync()
    {
        var totals = metrics.Totals;
        var now = operations.Clock.GetUtcNow();
        var active = services.GetService<ActiveEntryTable>();
        var records = services.GetService<IEntryStore>() as MemoryEntryStore;
        var memory = services.GetService<IProcessMemory>() ?? new ProcessMemory();
        return Task.FromResult(new SiloFigures
        {
            Version = Version,
            Http = operations.HttpAddress,
            ActiveEntries = active?.Count ?? 0,
            ResidentRecords = records?.Count,
            RssBytes = memory.ResidentBytes(),
            MaxMemoryBytes = eviction.Value.MaxMemoryMB * 1024L * 1024,
            Hits = totals.Hits,
            Misses = totals.Misses,
            HitRatio = totals.HitRatio,
            OpsPerSecond = operations.Rate.PerSecond(),
            Evictions = totals.Evictions,
            LeasesInFlight = active?.CountLeases() ?? 0,
            RateLimitAllowed = totals.RateLimitAllowed,
            RateLimitLimited = totals.RateLimitLimited,
            Invalidation = [.. totals.Pending().Select(p => new PartitionLag(
                p.Partition, p.Pending, p.OldestAcceptedAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0))],
            SlowOperations = operations.SlowLog?.Written ?? 0,
        });
    }

    public Task<IReadOnlyList<HotKey>> GetHotKeysAsync(int count) =>
        Task.FromResult<IReadOnlyList<HotKey>>(operations.HotKeys is { } hotKeys
            ? [.. hotKeys.Top(count).Select(entry => new HotKey(entry.Key, entry.Hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), entry.Count))]
            : []);

    public Task<IReadOnlyList<SlowOperation>> GetSlowLogAsync(int count) =>
        Task.FromResult(operations.SlowLog?.Recent(count) ?? []);
}
