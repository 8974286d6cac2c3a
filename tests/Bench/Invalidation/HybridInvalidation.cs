using System.Globalization;
using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Workload;
using CacheCluster.Bench.Targets;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Bench.Invalidation;

/// <summary>
/// S6 for the two HybridCaches (issue 14), each on two application nodes A and B that share its L2 (Microsoft's: two
/// service providers, each with its own memory L1, on the run's Redis; CacheCluster's: two client hosts, each with its
/// own near cache): node A writes N entries under one tag, both nodes read every entry (so both L1s hold it), then
/// <c>RemoveByTagAsync</c> on A, and the entries are read on both nodes, as an application would, until every one is a
/// miss on both or <see cref="Bound"/> passes. Stale reads (hits after the call) are counted, not hidden.
/// </summary>
internal static class HybridInvalidation
{
    private const int Concurrency = 64;

    /// <summary>How long the measured runs wait for every entry to be a miss on both nodes.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>The warm-up run's wait: its figures are not kept.</summary>
    private static readonly TimeSpan WarmupBound = TimeSpan.FromSeconds(2);

    /// <summary>The pause between two passes over the entries still served, so that polling does not starve the invalidation.</summary>
    private static readonly TimeSpan PassPause = TimeSpan.FromMilliseconds(5);

    public static async Task RunAsync(BenchContext context, int entries, int runs, CancellationToken cancellationToken)
    {
        List<RunFigures> theirs;
        await using (var a = PeerCaches.CreateHybrid(context.RedisEndpoint))
        await using (var b = PeerCaches.CreateHybrid(context.RedisEndpoint))
        {
            theirs = await MeasureAsync(context, HybridComparisonRow.MicrosoftTarget, a.GetRequiredService<HybridCache>(), b.GetRequiredService<HybridCache>(), "s6:hc:", entries, runs, cancellationToken);
        }

        List<RunFigures> ours;
        using (var a = await ClusterHybridCaches.StartAsync(context.Gateways, context.ClusterId, context.ServiceId, cancellationToken))
        using (var b = await ClusterHybridCaches.StartAsync(context.Gateways, context.ClusterId, context.ServiceId, cancellationToken))
        {
            ours = await MeasureAsync(context, HybridComparisonRow.CacheClusterTarget, a.Services.GetRequiredService<HybridCache>(), b.Services.GetRequiredService<HybridCache>(), "s6:ch:", entries, runs, cancellationToken);
            await b.StopAsync(CancellationToken.None);
            await a.StopAsync(CancellationToken.None);
        }

        var theirRows = Report(context, HybridComparisonRow.MicrosoftTarget, entries, theirs);
        var ourRows = Report(context, HybridComparisonRow.CacheClusterTarget, entries, ours);
        Compare(context, "RemoveByTagAsync returned (node A)", ourRows.Returned, theirRows.Returned, entries, "Microsoft's writes one tag timestamp to L2 and removes nothing; CacheCluster's removes every entry and tells both near caches before it returns");
        Compare(context, "RemoveByTagAsync called → every entry a miss on node A", ourRows.NodeA, theirRows.NodeA, entries);
        Compare(context, "RemoveByTagAsync called → every entry a miss on both nodes", ourRows.Both, theirRows.Both, entries);
        context.Notes.Add(string.Create(CultureInfo.InvariantCulture, $"S6 HybridCaches: two nodes each (A, B) sharing one L2; A writes {entries:N0} entries under one tag (Expiration and LocalCacheExpiration 1 h), both nodes read them all, A calls RemoveByTagAsync, then both read the entries (GetOrCreateAsync, L1 and L2 reads, no write-back) every {PassPause.TotalMilliseconds:0} ms until all miss, for at most {Bound.TotalSeconds:0} s. Microsoft's HybridCache does not tell other nodes: node B keeps serving its L1 copies until LocalCacheExpiration, and its cached tag time also hides the removal on L2 reads (dotnet/extensions#5674, #7411)."));
    }

    private static async Task<List<RunFigures>> MeasureAsync(
        BenchContext context,
        string name,
        HybridCache nodeA,
        HybridCache nodeB,
        string prefix,
        int entries,
        int runs,
        CancellationToken cancellationToken)
    {
        var clock = context.Clock;
        var figures = new List<RunFigures>();
        for (var run = 0; run <= runs; run++)
        {
            var tag = $"{prefix}{Guid.NewGuid():N}";
            string[] tags = [tag];
            var keys = Enumerable.Range(0, entries).Select(i => $"{tag}:{i}").ToArray();
            var retries = new LoadRetries(context.Clock);
            await Parallel.ForEachAsync(keys, Concurrent(cancellationToken), async (key, ct) => await retries.SetAsync(c => nodeA.SetAsync(key, "v", tags: tags, cancellationToken: c), ct));
            if (retries.Count > 0)
            {
                context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S6 {name} run {run}: loaded {entries:N0} tagged entries{retries.Suffix}"));
            }


            // Both nodes read every entry as an application does (a factory that must not run): B's L1 now holds them too.
            await Parallel.ForEachAsync(keys, Concurrent(cancellationToken), async (key, ct) =>
            {
                Check(name, key, await nodeA.GetOrCreateAsync(key, MustNotRun, tags: tags, cancellationToken: ct));
                Check(name, key, await nodeB.GetOrCreateAsync(key, MustNotRun, tags: tags, cancellationToken: ct));
            });
            if ((await StillServedAsync(name, nodeA, keys, cancellationToken)).Count != entries || (await StillServedAsync(name, nodeB, keys, cancellationToken)).Count != entries)
            {
                throw new BenchFailureException($"S6 {name} did not hold every tagged entry on both nodes before RemoveByTagAsync");
            }

            var bound = run == 0 ? WarmupBound : Bound;
            var started = clock.GetTimestamp();
            await nodeA.RemoveByTagAsync(tag, cancellationToken);
            var returned = clock.GetElapsedTime(started).TotalMilliseconds;
            double? nodeAMs = null, bothMs = null;
            long staleReads = 0;
            IReadOnlyList<string> servedA = keys, servedB = keys;
            while (true)
            {
                var passA = StillServedAsync(name, nodeA, servedA, cancellationToken);
                var passB = StillServedAsync(name, nodeB, servedB, cancellationToken);
                servedA = await passA;
                servedB = await passB;
                var elapsed = clock.GetElapsedTime(started);
                staleReads += servedA.Count + servedB.Count;
                if (servedA.Count == 0)
                {
                    nodeAMs ??= elapsed.TotalMilliseconds;
                }

                if (servedA.Count == 0 && servedB.Count == 0)
                {
                    bothMs = elapsed.TotalMilliseconds;
                    break;
                }

                if (elapsed > bound)
                {
                    break;
                }

                await Task.Delay(PassPause, clock, cancellationToken);
            }

            var figure = new RunFigures(returned, nodeAMs, bothMs, staleReads, servedA.Count, servedB.Count);
            context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S6 {name} run {run}{(run == 0 ? " (warm-up)" : "")}: returned {returned:0.0} ms, node A all missing {Ms(nodeAMs)}, both {Ms(bothMs)}, stale reads {staleReads:N0}, still served at the end A {servedA.Count:N0} B {servedB.Count:N0}"));
            if (run > 0)
            {
                figures.Add(figure);
            }
        }

        return figures;
    }

    private static (InvalidationRow Returned, InvalidationRow NodeA, InvalidationRow Both) Report(BenchContext context, string name, int entries, List<RunFigures> runs)
    {
        var returned = InvalidationScenario.Add(context, name, "RemoveByTagAsync returned (node A)", entries, runs.Select(r => r.ReturnedMs).ToArray());
        var nodeA = InvalidationScenario.Add(
            context,
            name,
            "RemoveByTagAsync called → every entry a miss on node A (same node)",
            entries,
            runs.Select(r => r.NodeAMs).OfType<double>().ToArray(),
            runs.Count,
            NotSeen(runs, r => r.NodeAMs, r => r.LeftOnA, "node A"));
        var stale = runs.Sum(r => r.StaleReads);
        var both = InvalidationScenario.Add(
            context,
            name,
            "RemoveByTagAsync called on A → every entry a miss on both nodes (A and B, L1 included)",
            entries,
            runs.Select(r => r.BothMs).OfType<double>().ToArray(),
            runs.Count,
            (NotSeen(runs, r => r.BothMs, r => r.LeftOnB, "node B") is { } notSeen ? notSeen + "; " : "")
                + string.Create(CultureInfo.InvariantCulture, $"{stale:N0} stale reads (hits after the call, both nodes, all passes) over {runs.Count} run(s)")
                + (stale == 0
                    ? string.Create(CultureInfo.InvariantCulture, $": every read made after the call returned was a miss on both nodes, so both L1s were clean by then (p50 {returned.P50Milliseconds:0.0} ms); the rest of the time is one pass reading the {entries:N0} misses per node through to L2")
                    : ""));
        return (returned, nodeA, both);
    }

    private static string? NotSeen(List<RunFigures> runs, Func<RunFigures, double?> figure, Func<RunFigures, int> left, string node)
    {
        var missing = runs.Where(r => figure(r) is null).ToArray();
        return missing.Length == 0
            ? null
            : string.Create(CultureInfo.InvariantCulture, $"not seen within the bound of {Bound.TotalSeconds:0} s in {missing.Length} of {runs.Count} run(s): {node} still served {missing.Max(left):N0} of the entries at the bound");
    }

    private static void Compare(BenchContext context, string measure, InvalidationRow ours, InvalidationRow theirs, int entries, string? note = null)
    {
        var unit = string.Create(CultureInfo.InvariantCulture, $"ms p50, {entries:N0} entries");
        if (!double.IsNaN(ours.P50Milliseconds) && !double.IsNaN(theirs.P50Milliseconds))
        {
            context.HybridComparison.Add(HybridComparisonRow.Of("S6", measure, unit, ours.P50Milliseconds, theirs.P50Milliseconds, "lower", note));
            return;
        }

        double? Known(double value) => double.IsNaN(value) ? null : value;
        var why = double.IsNaN(theirs.P50Milliseconds) && !double.IsNaN(ours.P50Milliseconds)
            ? string.Create(CultureInfo.InvariantCulture, $"Microsoft's not seen within {Bound.TotalSeconds:0} s ({theirs.Note}): ratio < {ours.P50Milliseconds / Bound.TotalMilliseconds:0.000}×")
            : $"not reached: CacheCluster {ours.Note ?? "seen"}; Microsoft {theirs.Note ?? "seen"}";
        context.HybridComparison.Add(new HybridComparisonRow("S6", measure, unit, Known(ours.P50Milliseconds), Known(theirs.P50Milliseconds), null, "lower", note is null ? why : $"{note}; {why}"));
    }

    /// <summary>Reads each key once on <paramref name="node"/> (L1 and L2, nothing written back) and returns the keys still served.</summary>
    private static async Task<IReadOnlyList<string>> StillServedAsync(string name, HybridCache node, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var served = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(keys, Concurrent(cancellationToken), async (key, ct) =>
        {
            var value = await node.GetOrCreateAsync(key, static _ => ValueTask.FromResult<string?>(null), HybridCacheTarget.ReadOnlyOptions, cancellationToken: ct);
            if (value is not null)
            {
                Check(name, key, value);
                served.Add(key);
            }
        });
        return [.. served];
    }

    private static ValueTask<string> MustNotRun(CancellationToken cancellationToken) =>
        ValueTask.FromException<string>(new BenchFailureException("a factory ran for an entry that both nodes should hold"));

    private static void Check(string name, string key, string? value)
    {
        if (value != "v")
        {
            throw new BenchFailureException($"S6 {name} returned {(value is null ? "a miss" : $"'{value}'")} for {key}");
        }
    }

    private static string Ms(double? milliseconds) => milliseconds is { } ms ? string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms") : "not seen";

    private static ParallelOptions Concurrent(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken };

    private sealed record RunFigures(double ReturnedMs, double? NodeAMs, double? BothMs, long StaleReads, int LeftOnA, int LeftOnB);
}
