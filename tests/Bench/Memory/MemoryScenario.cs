using System.Globalization;
using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Targets;
using CacheCluster.Bench.Workload;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CacheCluster.Bench.Memory;

/// <summary>
/// S7 bytes per entry, 11-byte keys and 100-byte values, no TTL: Redis by its <c>INFO memory</c> used_memory delta
/// (keys removed afterwards), then CacheCluster by the silos' summed RSS delta (and GC heap delta when their
/// <c>/metrics</c> exports it), measured at each entry count as the writes go on. In Redis mode the silos also keep a
/// copy in Redis; its used_memory delta is reported beside them.
/// </summary>
internal static class MemoryScenario
{
    private const int Concurrency = 64;
    private const int RedisBatch = 1_000;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var checkpoints = settings.MemoryEntries.Order().ToArray();
        var space = new KeySpace(checkpoints[^1], settings.MemoryValueBytes, seed: 7);
        context.Log.WriteLine($"S7 memory: {string.Join(", ", checkpoints.Select(n => n.ToString("N0", CultureInfo.InvariantCulture)))} entries of {settings.MemoryValueBytes} B");

        // Keys "mrd:0000000" and "mcc:0000000": 11 bytes each.
        var redisKeys = Enumerable.Range(0, space.Count).Select(i => (RedisKey)string.Create(CultureInfo.InvariantCulture, $"mrd:{i:D7}")).ToArray();
        var clusterKeys = Enumerable.Range(0, space.Count).Select(i => string.Create(CultureInfo.InvariantCulture, $"mcc:{i:D7}")).ToArray();
        var redisRows = new Dictionary<int, double>();

        var before = await UsedMemoryAsync(context);
        var written = 0;
        foreach (var n in checkpoints)
        {
            for (; written < n; written += RedisBatch)
            {
                var end = Math.Min(n, written + RedisBatch);
                await Task.WhenAll(Enumerable.Range(written, end - written).Select(i => context.Redis.StringSetAsync(redisKeys[i], space.Value(i))));
            }

            written = n;
            redisRows[n] = (double)(await UsedMemoryAsync(context) - before) / n;
        }

        for (var start = 0; start < redisKeys.Length; start += RedisBatch)
        {
            await context.Redis.KeyDeleteAsync(redisKeys[start..Math.Min(redisKeys.Length, start + RedisBatch)]);
        }

        var target = new ClusterCacheTarget(context.Cluster.GetRequiredService<IClusterCache>(), "CacheCluster client SetBytesAsync");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var rssBefore = Rss(context);
        var gcBefore = await GcHeapAsync(context, http, cancellationToken);
        var redisBefore = await UsedMemoryAsync(context);
        written = 0;
        foreach (var n in checkpoints)
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(written, n - written),
                new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                async (i, ct) => await target.SetAsync(clusterKeys[i], space.Value(i), ct));
            written = n;
            await Task.Delay(Settle, context.Clock, cancellationToken);
            var redisBytes = redisRows[n];
            var rss = (double)(Rss(context) - rssBefore) / n;
            Add(context, new MemoryRow("Redis", "INFO memory used_memory delta", n, 11, settings.MemoryValueBytes, redisBytes));
            Add(context, new MemoryRow("CacheCluster", $"silo RSS delta (VmRSS, {context.SiloPids.Count} silo(s))", n, 11, settings.MemoryValueBytes, rss) { CacheClusterRatio = rss / redisBytes });
            if (gcBefore is { } gc0 && await GcHeapAsync(context, http, cancellationToken) is { } gc1)
            {
                var heap = (gc1 - gc0) / n;
                Add(context, new MemoryRow("CacheCluster", "silo GC heap delta (/metrics)", n, 11, settings.MemoryValueBytes, heap) { CacheClusterRatio = heap / redisBytes });
            }

            Add(context, new MemoryRow("CacheCluster", "its Redis-mode copy in Redis (used_memory delta)", n, 11, settings.MemoryValueBytes, (double)(await UsedMemoryAsync(context) - redisBefore) / n));
        }

        await TimedRun.VerifySampleAsync(target, clusterKeys, space, seed: 3, cancellationToken);
        if (gcBefore is null)
        {
            context.Notes.Add("S7: the silos' /metrics exports only the CacheCluster and Microsoft.Orleans meters, not the .NET runtime's GC heap gauge, so CacheCluster is measured by RSS only (which includes Orleans activations and allocator slack, and shrinks when the silo returns earlier garbage: hence S7 runs first).");
        }
    }

    private static void Add(BenchContext context, MemoryRow row)
    {
        context.Memory.Add(row);
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S7 {row.Target} ({row.Source}), {row.Entries:N0} entries: {row.BytesPerEntry:N0} B/entry"));
    }

    private static long Rss(BenchContext context) => context.SiloPids.Sum(ProcessMemory.ReadRssBytes);

    private static async Task<double?> GcHeapAsync(BenchContext context, HttpClient http, CancellationToken cancellationToken)
    {
        if (context.SiloMetricsUrls.Count == 0)
        {
            return null;
        }

        double sum = 0;
        foreach (var url in context.SiloMetricsUrls)
        {
            if (await ProcessMemory.ReadGcHeapBytesAsync(http, url, cancellationToken) is not { } bytes)
            {
                return null;
            }

            sum += bytes;
        }

        return sum;
    }

    private static async Task<long> UsedMemoryAsync(BenchContext context)
    {
        var info = await context.RedisServer.InfoAsync("memory");
        var value = info.SelectMany(group => group).First(pair => pair.Key == "used_memory").Value;
        return long.Parse(value, CultureInfo.InvariantCulture);
    }
}
