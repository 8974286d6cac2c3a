using System.Globalization;
using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Workload;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Bench.Invalidation;

/// <summary>
/// S6 with 10,000 entries under one tag: the <c>invalidation</c> measurement (domain event → every entry invalidated),
/// CacheCluster's direct <see cref="IClusterCache.RemoveByTagAsync"/>, and both HybridCaches' <c>RemoveByTagAsync</c>
/// (Microsoft's on Redis L2, CacheCluster's), each on two nodes, timed until every entry reads as a miss on both
/// (<see cref="HybridInvalidation"/>).
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
            var retries = new LoadRetries(context.Clock);
            await Parallel.ForEachAsync(keys, Concurrent(cancellationToken), async (key, ct) => await retries.SetAsync(async c => await cache.SetAsync(key, "v", options, cancellationToken: c), ct));
            if (retries.Count > 0)
            {
                context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S6 CacheCluster run {run}: loaded {entries:N0} tagged entries{retries.Suffix}"));
            }

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
        await HybridInvalidation.RunAsync(context, entries, runs, cancellationToken);
    }

    private static ParallelOptions Concurrent(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = ReadConcurrency, CancellationToken = cancellationToken };

    /// <summary>
    /// Adds one row over <paramref name="runs"/> runs (the count of runs, when some reached nothing and left no sample);
    /// with no sample at all, the percentiles are NaN ("not seen") and <paramref name="note"/> says why.
    /// </summary>
    internal static InvalidationRow Add(BenchContext context, string target, string measurement, int entries, IReadOnlyList<double> samples, int? runs = null, string? note = null)
    {
        var sorted = samples.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))];
        var row = new InvalidationRow(target, measurement, entries, runs ?? sorted.Length, At(0.5), At(0.9)) { Note = note };
        context.Invalidation.Add(row);
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S6 {target}: {measurement}: p50 {row.P50Milliseconds:0.0} ms, p90 {row.P90Milliseconds:0.0} ms{(note is null ? "" : "; " + note)}"));
        return row;
    }
}
