using System.Globalization;
using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Targets;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Bench.Invalidation;

/// <summary>
/// S6 with 10,000 entries under one tag: the <c>invalidation</c> measurement (domain event → every entry invalidated),
/// CacheCluster's direct <see cref="IClusterCache.RemoveByTagAsync"/>, and HybridCache's <c>RemoveByTagAsync</c> on
/// Redis L2, timed until the call returns and until every entry reads as a miss on the same node.
/// </summary>
internal static class InvalidationScenario
{
    private const int ReadConcurrency = 64;

    public static async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var entries = settings.InvalidationEntries;
        var runs = settings.InvalidationRuns;
        context.Log.WriteLine($"S6 invalidation of {entries:N0} tagged entries, {runs} runs after one warm-up run");

        var figures = await EventInvalidation.MeasureAsync(context.Cluster, entries, runs, cancellationToken);
        Add(context, "CacheCluster", "domain event published → all entries invalidated (rule bench.tagged)", entries, figures.AppliedMs);
        Add(context, "CacheCluster", "domain event published → subscriber notified", entries, figures.NotifiedMs);
        Add(context, "CacheCluster", "domain event published → subscriber notified (one-entry event)", 1, figures.SingleMs);

        var cache = context.Cluster.GetRequiredService<IClusterCache>();
        var removed = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            var tag = $"s6:cc:{Guid.NewGuid():N}";
            var options = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(10), Tags = [tag] };
            var keys = Enumerable.Range(0, entries).Select(i => $"{tag}:{i}").ToArray();
            await Parallel.ForEachAsync(keys, Concurrent(cancellationToken), async (key, ct) => await cache.SetAsync(key, "v", options, cancellationToken: ct));
            var started = context.Clock.GetTimestamp();
            var count = await cache.RemoveByTagAsync(tag, cancellationToken);
            var elapsed = context.Clock.GetElapsedTime(started).TotalMilliseconds;
            if (count != entries || await cache.ExistsAsync(keys[0], cancellationToken) || await cache.ExistsAsync(keys[^1], cancellationToken))
            {
                throw new BenchFailureException($"S6 CacheCluster RemoveByTagAsync removed {count} of {entries} entries");
            }

            if (run > 0)
            {
                removed.Add(elapsed);
            }
        }

        Add(context, "CacheCluster", "RemoveByTagAsync returned (entries removed)", entries, removed);
        await RunHybridAsync(context, entries, runs, cancellationToken);
    }

    private static async Task RunHybridAsync(BenchContext context, int entries, int runs, CancellationToken cancellationToken)
    {
        await using var services = PeerCaches.CreateHybrid(context.RedisEndpoint);
        var cache = services.GetRequiredService<HybridCache>();
        var readOnly = new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableLocalCacheWrite | HybridCacheEntryFlags.DisableDistributedCacheWrite };
        var returned = new List<double>();
        var missed = new List<double>();
        for (var run = 0; run <= runs; run++)
        {
            var tag = $"s6:hc:{Guid.NewGuid():N}";
            string[] tags = [tag];
            var keys = Enumerable.Range(0, entries).Select(i => $"{tag}:{i}").ToArray();
            await Parallel.ForEachAsync(keys, Concurrent(cancellationToken), async (key, ct) => await cache.SetAsync(key, "v", tags: tags, cancellationToken: ct));
            if (await CountHitsAsync(cache, keys, readOnly, cancellationToken) != entries)
            {
                throw new BenchFailureException("S6 HybridCache did not hold every tagged entry before RemoveByTagAsync");
            }

            var started = context.Clock.GetTimestamp();
            await cache.RemoveByTagAsync(tag, cancellationToken);
            var returnedMs = context.Clock.GetElapsedTime(started).TotalMilliseconds;
            while (await CountHitsAsync(cache, keys, readOnly, cancellationToken) > 0)
            {
                if (context.Clock.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
                {
                    throw new BenchFailureException("S6 HybridCache still served tagged entries 30 s after RemoveByTagAsync");
                }
            }

            var missedMs = context.Clock.GetElapsedTime(started).TotalMilliseconds;
            if (run > 0)
            {
                returned.Add(returnedMs);
                missed.Add(missedMs);
            }
        }

        Add(context, "HybridCache", "RemoveByTagAsync returned", entries, returned);
        Add(context, "HybridCache", "RemoveByTagAsync called → all entries read as misses (same node)", entries, missed);
        context.Notes.Add("S6: HybridCache's tag invalidation is a timestamp in L2, checked on read; other nodes cache that timestamp (dotnet/extensions#7411), so only the calling node is timed.");
    }

    private static async Task<int> CountHitsAsync(HybridCache cache, string[] keys, HybridCacheEntryOptions readOnly, CancellationToken cancellationToken)
    {
        var hits = 0;
        await Parallel.ForEachAsync(keys, Concurrent(cancellationToken), async (key, ct) =>
        {
            var value = await cache.GetOrCreateAsync(key, static _ => ValueTask.FromResult<string?>(null), readOnly, cancellationToken: ct);
            if (value is not null)
            {
                if (value != "v")
                {
                    throw new BenchFailureException($"S6 HybridCache returned '{value}' for {key}");
                }

                Interlocked.Increment(ref hits);
            }
        });
        return hits;
    }

    private static ParallelOptions Concurrent(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = ReadConcurrency, CancellationToken = cancellationToken };

    private static void Add(BenchContext context, string target, string measurement, int entries, IReadOnlyList<double> samples)
    {
        var sorted = samples.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))];
        var row = new InvalidationRow(target, measurement, entries, sorted.Length, At(0.5), At(0.9));
        context.Invalidation.Add(row);
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S6 {target}: {measurement}: p50 {row.P50Milliseconds:0.0} ms, p90 {row.P90Milliseconds:0.0} ms"));
    }
}
