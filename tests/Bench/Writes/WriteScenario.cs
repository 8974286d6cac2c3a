using CacheCluster.Bench.Measurement;
using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Targets;
using CacheCluster.Bench.Workload;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Bench.Writes;

/// <summary>
/// S3 writes of 1 KiB values, uniform over the key space: CacheCluster twice, <see cref="CacheDurability.Stored"/>
/// (acknowledged once Redis has the write) and <see cref="CacheDurability.WriteBehind"/> (acknowledged once the key's
/// grain has it; Redis gets it within the silo's MaxWriteDelay), each set per write whatever the silos' default, then Redis
/// SET and FusionCache <c>SetAsync</c> (L1, L2 and a backplane notice). Each target's keys are loaded first, so every
/// timed write overwrites; a sample is read back afterwards. The ratios are to the Stored row, and the WriteBehind row's
/// to Redis is logged beside them.
/// </summary>
internal static class WriteScenario
{
    private const int Seed = 29;

    public static async Task RunAsync(BenchContext context, KeySpace space, CancellationToken cancellationToken)
    {
        context.Log.WriteLine($"S3 writes of {space.ValueBytes} B, uniform over {space.Count:N0} keys, {context.Settings.Callers} callers");
        await using var fusion = PeerCaches.CreateFusion(context.RedisEndpoint, distributedLocker: false);
        ICacheTarget[] targets =
        [
            new ClusterCacheTarget(
                context.Cluster.GetRequiredService<IClusterCache>(),
                "CacheCluster client SetBytesAsync, Durability=Stored; silos in Redis mode (every write persisted to Redis before it is acknowledged)",
                writeOptions: new CacheEntryOptions { Durability = CacheDurability.Stored }),
            new ClusterCacheTarget(
                context.Cluster.GetRequiredService<IClusterCache>(),
                "CacheCluster client SetBytesAsync, Durability=WriteBehind; acknowledged by the key's grain, written to Redis in batches within MaxWriteDelay",
                WriteBehindName,
                new CacheEntryOptions { Durability = CacheDurability.WriteBehind }),
            new RedisTarget(context.Redis),
            PeerCaches.FusionTarget(fusion),
        ];
        string[] prefixes = ["w:cc:", "w:wb:", "w:rd:", "w:fc:"];
        var picker = TimedRun.Uniform(space.Count, Seed);
        var rows = new List<ThroughputRow>();
        for (var t = 0; t < targets.Length; t++)
        {
            var target = targets[t];
            var keys = space.Keys(prefixes[t]);
            await TimedRun.LoadAsync(context, target, keys, space, cancellationToken);
            rows.Add(await TimedRun.MeasureAsync(context, "S3", target, Write(target, keys, space, cancellationToken), picker));
            await TimedRun.VerifySampleAsync(target, keys, space, seed: 2, cancellationToken);
        }

        var writeBehind = rows.Single(row => row.Target == WriteBehindName);
        TimedRun.Record(context, [.. rows.Where(row => row != writeBehind)]);
        context.Throughput.Add(writeBehind);
        var stored = rows.Single(row => row.Target == "CacheCluster");
        double Ops(string target) => rows.Single(row => row.Target == target).OpsPerSecond;
        context.Log.WriteLine(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"  S3 same-run ratios: Stored {stored.OpsPerSecond / Ops("FusionCache"):0.00}x FusionCache, {stored.OpsPerSecond / Ops("Redis"):0.00}x Redis; WriteBehind {writeBehind.OpsPerSecond / Ops("Redis"):0.00}x Redis, {writeBehind.OpsPerSecond / stored.OpsPerSecond:0.00}x Stored"));
    }

    private const string WriteBehindName = "CacheCluster WriteBehind";

    private static Func<int, ValueTask<Outcome>> Write(ICacheTarget target, string[] keys, KeySpace space, CancellationToken cancellationToken) =>
        async i =>
        {
            await target.SetAsync(keys[i], space.Value(i), cancellationToken);
            return Outcome.Allowed;
        };
}
