using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Targets;
using CacheCluster.Bench.Workload;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Bench.Reads;

/// <summary>
/// S1 (uniform) and S2 (Zipf) read hits of 1 KiB values: every target holds the same keys and value bytes, read by the
/// same callers drawing the same key sequence, each read checked byte for byte.
/// </summary>
internal static class ReadScenario
{
    private const int Seed = 17;

    /// <summary>S2's CacheCluster side: the client near cache on, as the issue asks.</summary>
    public static ClusterReadSetup S2Cluster { get; } = ClusterReadSetup.WithNearCache;

    public static async Task RunS1Async(BenchContext context, ReadKeys keys, CancellationToken cancellationToken)
    {
        context.Log.WriteLine($"S1 read hits, uniform over {keys.Space.Count:N0} keys of {keys.Space.ValueBytes} B, {context.Settings.Callers} callers");
        var cluster = new ClusterCacheTarget(context.Cluster.GetRequiredService<IClusterCache>(), ClusterReadSetup.WithoutNearCache.Description);
        var redis = new RedisTarget(context.Redis);
        var picker = TimedRun.Uniform(keys.Space.Count, Seed);
        var rows = new List<ThroughputRow>();
        foreach (var (target, prefix) in new (ICacheTarget, string)[] { (cluster, "r:cc:"), (redis, "r:rd:") })
        {
            var targetKeys = await keys.EnsureLoadedAsync(context, target, prefix, cancellationToken);
            rows.Add(await TimedRun.MeasureAsync(context, "S1", target, TimedRun.VerifiedRead(target, targetKeys, keys.Space, cancellationToken), picker));
        }

        TimedRun.Record(context, rows);
    }

    /// <summary>Issue 14: S2's figures of CacheCluster's HybridCache divided by Microsoft's.</summary>
    private static void CompareHybridCaches(BenchContext context, List<ThroughputRow> rows)
    {
        var ours = rows.Single(row => row.Target == HybridComparisonRow.CacheClusterTarget);
        var theirs = rows.Single(row => row.Target == HybridComparisonRow.MicrosoftTarget);
        context.HybridComparison.Add(HybridComparisonRow.Of("S2", "Zipf read hits, throughput", "ops/s", ours.OpsPerSecond, theirs.OpsPerSecond, "higher"));
        context.HybridComparison.Add(HybridComparisonRow.Of("S2", "read latency p50", "µs", ours.P50Microseconds, theirs.P50Microseconds, "lower"));
        context.HybridComparison.Add(HybridComparisonRow.Of("S2", "read latency p99", "µs", ours.P99Microseconds, theirs.P99Microseconds, "lower"));
        if (ours.Cpu is { } cpu && theirs.Cpu is { } theirCpu)
        {
            context.HybridComparison.Add(HybridComparisonRow.Of("S2", "CPU per read, bench + silo(s) + redis-server", "µs/op", cpu.TotalMicroseconds, theirCpu.TotalMicroseconds, "lower"));
        }
    }

    public static async Task RunS2Async(BenchContext context, ReadKeys keys, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var sampler = new ZipfSampler(keys.Space.Count, settings.ZipfExponent);
        context.Log.WriteLine($"S2 read hits, Zipf {settings.ZipfExponent} over {keys.Space.Count:N0} keys (top key {sampler.TopShare:P1} of reads), {settings.Callers} callers");
        var setup = S2Cluster;
        using var clusterHost = await ClusterClientHost.StartAsync(context.Gateways, context.ClusterId, context.ServiceId, setup.Configure, cancellationToken);
        await using var fusion = PeerCaches.CreateFusion(context.RedisEndpoint, distributedLocker: false);
        await using var hybrid = PeerCaches.CreateHybrid(context.RedisEndpoint);
        using var clusterHybrid = await ClusterHybridCaches.StartAsync(context.Gateways, context.ClusterId, context.ServiceId, cancellationToken);
        ICacheTarget[] targets =
        [
            new ClusterCacheTarget(setup.Resolve(clusterHost.Services), setup.Description),
            new RedisTarget(context.Redis),
            PeerCaches.FusionTarget(fusion),
            PeerCaches.HybridTarget(hybrid),
            ClusterHybridCaches.Target(clusterHybrid),
        ];
        string[] prefixes = ["r:cc:", "r:rd:", "r:fc:", "r:hc:", "r:ch:"];
        var picker = TimedRun.Zipf(sampler, Seed);
        var rows = new List<ThroughputRow>();
        for (var t = 0; t < targets.Length; t++)
        {
            var targetKeys = await keys.EnsureLoadedAsync(context, targets[t], prefixes[t], cancellationToken);
            await TimedRun.PrimeAsync(context, targets[t], targetKeys, keys.Space, cancellationToken);
            rows.Add(await TimedRun.MeasureAsync(context, "S2", targets[t], TimedRun.VerifiedRead(targets[t], targetKeys, keys.Space, cancellationToken), picker));
        }

        TimedRun.Record(context, rows);
        CompareHybridCaches(context, rows);
        context.Notes.Add($"S2: {setup.Description}. Every target read each key once before its warm-up, so each starts with its in-process tier full: FusionCache and both HybridCaches serve hits from their L1, CacheCluster from its near cache. Both HybridCaches load their keys with SetAsync and read with GetOrCreateAsync and their default entry options (a factory run, i.e. a miss, fails the run).");
        await clusterHybrid.StopAsync(CancellationToken.None);
        await clusterHost.StopAsync(CancellationToken.None);
    }
}
