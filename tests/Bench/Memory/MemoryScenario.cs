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
/// <c>/metrics</c> exports it), measured at each entry count as the writes go on ("all active"), and once more after
/// the silos have collected the idle activations ("idle"). In Redis mode the silos also keep a copy in Redis; its
/// used_memory delta is reported beside them.
/// </summary>
/// <remarks>
/// The idle phase waits for the silos' <c>cachecluster.entries{state="active"}</c> gauge to fall under 1 % of the
/// entries (the silo's <c>CacheCluster:EntryIdleTimeout</c>, 2 minutes by default, plus up to half of it for the
/// collector's quantum), at most <see cref="MaxIdleWait"/>, then gives the silos <see cref="IdleSettle"/> to return
/// what the sweep freed.
/// </remarks>
internal static class MemoryScenario
{
    private const int Concurrency = 64;
    private const int RedisBatch = 1_000;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan MaxIdleWait = TimeSpan.FromMinutes(25);
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(2);

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

        var before = await RedisMemoryAsync(context, "used_memory");
        var rssBeforeRedis = await RedisMemoryAsync(context, "used_memory_rss");
        var written = 0;
        foreach (var n in checkpoints)
        {
            for (; written < n; written += RedisBatch)
            {
                var end = Math.Min(n, written + RedisBatch);
                await Task.WhenAll(Enumerable.Range(written, end - written).Select(i => context.Redis.StringSetAsync(redisKeys[i], space.Value(i))));
            }

            written = n;
            redisRows[n] = (double)(await RedisMemoryAsync(context, "used_memory") - before) / n;
            Add(context, new MemoryRow("Redis", "INFO memory used_memory delta", n, 11, settings.MemoryValueBytes, redisRows[n]));
            Add(context, new MemoryRow("Redis", "INFO memory used_memory_rss delta", n, 11, settings.MemoryValueBytes, (double)(await RedisMemoryAsync(context, "used_memory_rss") - rssBeforeRedis) / n));
        }

        for (var start = 0; start < redisKeys.Length; start += RedisBatch)
        {
            await context.Redis.KeyDeleteAsync(redisKeys[start..Math.Min(redisKeys.Length, start + RedisBatch)]);
        }

        var target = new ClusterCacheTarget(context.Cluster.GetRequiredService<IClusterCache>(), "CacheCluster client SetBytesAsync");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var rssBefore = Rss(context);
        var gcBefore = await SiloMetricAsync(context, http, ProcessMemory.ReadGcHeapBytesAsync, cancellationToken);
        var redisBefore = await RedisMemoryAsync(context, "used_memory");
        written = 0;
        foreach (var n in checkpoints)
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(written, n - written),
                new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                async (i, ct) => await SetAsync(context, target, clusterKeys[i], space.Value(i), ct));
            written = n;
            await Task.Delay(Settle, context.Clock, cancellationToken);
            var active = await SiloMetricAsync(context, http, ProcessMemory.ReadActiveEntriesAsync, cancellationToken);
            var phase = ActivePhase(active);
            AddSilo(context, n, redisRows[n], phase, (double)(Rss(context) - rssBefore) / n, await GcDeltaAsync(context, http, gcBefore, n, cancellationToken));
            Add(context, new MemoryRow("CacheCluster", "its Redis-mode copy in Redis (used_memory delta)", n, 11, settings.MemoryValueBytes, (double)(await RedisMemoryAsync(context, "used_memory") - redisBefore) / n));
        }

        await TimedRun.VerifySampleAsync(target, clusterKeys, space, seed: 3, cancellationToken);
        var last = checkpoints[^1];
        if (await WaitIdleAsync(context, http, last, cancellationToken) is { } remaining)
        {
            await Task.Delay(IdleSettle, context.Clock, cancellationToken);
            AddSilo(context, last, redisRows[last], $"idle, {remaining:N0} still active", (double)(Rss(context) - rssBefore) / last, await GcDeltaAsync(context, http, gcBefore, last, cancellationToken));
        }
        else
        {
            context.Notes.Add("S7: the silos' /metrics does not export cachecluster.entries, so the idle phase was not measured.");
        }

        if (gcBefore is null)
        {
            context.Notes.Add("S7: the silos' /metrics exports only the CacheCluster and Microsoft.Orleans meters, not the .NET runtime's GC heap gauge, so CacheCluster is measured by RSS only (which includes Orleans activations and allocator slack, and shrinks when the silo returns earlier garbage: hence S7 runs first).");
        }
    }

    /// <summary>
    /// Writes one entry, again a second after a timeout or an open circuit (a set is idempotent): on a loaded machine
    /// a call may take longer than the client's 2 s, and what S7 measures is memory, not latency.
    /// </summary>
    private static async Task SetAsync(BenchContext context, ClusterCacheTarget target, string key, byte[] value, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await target.SetAsync(key, value, cancellationToken);
                return;
            }
            catch (CacheClusterUnavailableException) when (attempt < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), context.Clock, cancellationToken);
            }
        }
    }

    private static string ActivePhase(double? active) => active is { } a ? string.Create(CultureInfo.InvariantCulture, $"all active, {a:N0} active") : "all active";

    private static void AddSilo(BenchContext context, int n, double redisBytes, string phase, double rss, double? heap)
    {
        var valueBytes = context.Settings.MemoryValueBytes;
        Add(context, new MemoryRow("CacheCluster", $"silo RSS delta (VmRSS, {context.SiloPids.Count} silo(s)), {phase}", n, 11, valueBytes, rss) { CacheClusterRatio = rss / redisBytes });
        if (heap is { } h)
        {
            Add(context, new MemoryRow("CacheCluster", $"silo GC heap delta (/metrics), {phase}", n, 11, valueBytes, h) { CacheClusterRatio = h / redisBytes });
        }
    }

    /// <summary>Waits until under 1 % of <paramref name="entries"/> are active; returns how many still are, or null without the gauge.</summary>
    private static async Task<double?> WaitIdleAsync(BenchContext context, HttpClient http, int entries, CancellationToken cancellationToken)
    {
        var started = context.Clock.GetTimestamp();
        while (true)
        {
            var active = await SiloMetricAsync(context, http, ProcessMemory.ReadActiveEntriesAsync, cancellationToken);
            if (active is null || active <= entries / 100 || context.Clock.GetElapsedTime(started) >= MaxIdleWait)
            {
                context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S7 idle: {active:N0} active after {context.Clock.GetElapsedTime(started).TotalSeconds:0} s"));
                return active;
            }

            await Task.Delay(IdlePoll, context.Clock, cancellationToken);
        }
    }

    private static void Add(BenchContext context, MemoryRow row)
    {
        context.Memory.Add(row);
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S7 {row.Target} ({row.Source}), {row.Entries:N0} entries: {row.BytesPerEntry:N0} B/entry"));
    }

    private static long Rss(BenchContext context) => context.SiloPids.Sum(ProcessMemory.ReadRssBytes);

    private static async Task<double?> GcDeltaAsync(BenchContext context, HttpClient http, double? before, int n, CancellationToken cancellationToken) =>
        before is { } gc0 && await SiloMetricAsync(context, http, ProcessMemory.ReadGcHeapBytesAsync, cancellationToken) is { } gc1 ? (gc1 - gc0) / n : null;

    /// <summary>A figure summed over the silos' <c>/metrics</c>, or null when one of them does not export it.</summary>
    private static async Task<double?> SiloMetricAsync(BenchContext context, HttpClient http, Func<HttpClient, string, CancellationToken, Task<double?>> read, CancellationToken cancellationToken)
    {
        if (context.SiloMetricsUrls.Count == 0)
        {
            return null;
        }

        double sum = 0;
        foreach (var url in context.SiloMetricsUrls)
        {
            if (await read(http, url, cancellationToken) is not { } value)
            {
                return null;
            }

            sum += value;
        }

        return sum;
    }

    private static async Task<long> RedisMemoryAsync(BenchContext context, string field)
    {
        var info = await context.RedisServer.InfoAsync("memory");
        var value = info.SelectMany(group => group).First(pair => pair.Key == field).Value;
        return long.Parse(value, CultureInfo.InvariantCulture);
    }
}
