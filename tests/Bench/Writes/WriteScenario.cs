using CacheCluster.Bench.Measurement;
using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Targets;
using CacheCluster.Bench.Workload;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Bench.Writes;

/// <summary>
/// S3 writes of 1 KiB values, uniform over the key space: CacheCluster (its silos write through to Redis), Redis
/// SET and FusionCache <c>SetAsync</c> (L1, L2 and a backplane notice). Each target's keys are loaded first, so every
/// timed write overwrites; a sample is read back afterwards.
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
            new ClusterCacheTarget(context.Cluster.GetRequiredService<IClusterCache>(), "CacheCluster client SetBytesAsync; silos in Redis mode (every write persisted to Redis)"),
            new RedisTarget(context.Redis),
            PeerCaches.FusionTarget(fusion),
        ];
        string[] prefixes = ["w:cc:", "w:rd:", "w:fc:"];
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

        TimedRun.Record(context, rows);
    }

    private static Func<int, ValueTask<Outcome>> Write(ICacheTarget target, string[] keys, KeySpace space, CancellationToken cancellationToken) =>
        async i =>
        {
            await target.SetAsync(keys[i], space.Value(i), cancellationToken);
            return Outcome.Allowed;
        };
}
