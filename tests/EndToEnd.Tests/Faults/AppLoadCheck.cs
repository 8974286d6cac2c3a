using System.Globalization;
using CacheCluster.FaultLoad.Application.Report;
using CacheCluster.Hosting;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// Holds the application-side load's run (<c>--mode app</c>) to issue 15's promises for one fault: no GetOrSet failed,
/// every Remove issued during the fault was applied once the cluster was back (the key is absent, or holds a generation
/// written after the Remove), and no read later than <see cref="StaleBound"/> after the client used the cluster again
/// returned a generation older than a Set or Remove the client had completed. It measures, meanwhile, GetOrSet's
/// latency during the fault and the time from the cluster being back to the client using it.
/// </summary>
/// <param name="Report">The load's result.</param>
/// <param name="FaultAtMs">When the fault began (the phase <c>fault</c>).</param>
/// <param name="BackAtMs">When the cluster was back (the phase <c>back</c>).</param>
/// <param name="UsingAgainAtMs">When a call only the cluster can answer (an acknowledged Set, a Remove that returned) first succeeded from <paramref name="BackAtMs"/> on.</param>
/// <param name="FaultRemoves">The Removes issued during the fault.</param>
/// <param name="NotApplied">Those whose key, read back from the cluster after the run, held an older generation (or could not be read).</param>
/// <param name="Finals">Each key of <paramref name="FaultRemoves"/> as read back: <c>absent</c>, <c>generation N</c> or <c>unreadable</c>.</param>
internal sealed record AppLoadCheck(
    AppLoadReport Report, long FaultAtMs, long BackAtMs, long? UsingAgainAtMs, IReadOnlyList<AppRemove> FaultRemoves, IReadOnlyList<AppRemove> NotApplied, IReadOnlyDictionary<string, string> Finals)
{
    public const string FaultPhase = "fault";
    public const string BackPhase = "back";

    /// <summary>
    /// How long after the client's first successful call since the cluster came back a read may still return a
    /// generation older than one it knew of: the client's <c>ClusterTimeout</c> (2 s), time for the Removes kept during
    /// the fault to be replayed, which happens before the near cache serves again.
    /// </summary>
    public static readonly TimeSpan StaleBound = new CacheClusterClientOptions().ClusterTimeout;

    /// <summary>How long the check keeps trying to read a key back while the cluster does not answer.</summary>
    private static readonly TimeSpan ReadPatience = TimeSpan.FromSeconds(60);

    public AppPhase Before => Phase("start");

    public AppPhase Fault => Phase(FaultPhase);

    public AppPhase Back => Phase(BackPhase);

    /// <summary>Gets when reads must be fresh: <see cref="StaleBound"/> after the client used the cluster again (or after it was back, if it never did).</summary>
    public long SettledAtMs => Math.Max(BackAtMs, UsingAgainAtMs ?? BackAtMs) + (long)StaleBound.TotalMilliseconds;

    public long GetOrSetFailed => Report.Phases.Sum(p => p.Operations[AppOperations.GetOrSet].Failed);

    public long GetOrSetCalls => Report.Phases.Sum(p => p.Operations[AppOperations.GetOrSet].Calls);

    /// <summary>Gets the reads behind a known generation that started once reads had to be fresh: must be none.</summary>
    public IReadOnlyList<AppBehindRead> StaleBeyondBound => [.. Report.BehindReads.Where(b => b.StartedAtMs >= SettledAtMs)];

    public static async Task<AppLoadCheck> RunAsync(IClusterCache cache, AppLoadReport report, long faultAtMs, long backAtMs)
    {
        var back = report.Phases.Single(p => p.Name == BackPhase);
        var faultRemoves = report.Removes.Where(r => r.IssuedAtMs >= faultAtMs && r.IssuedAtMs < backAtMs).ToList();
        var finals = new Dictionary<string, (bool Read, bool Found, long Generation)>(StringComparer.Ordinal);
        foreach (var key in faultRemoves.Select(r => r.Key).Distinct(StringComparer.Ordinal))
        {
            finals[key] = await ReadBackAsync(cache, key);
        }

        var notApplied = faultRemoves.Where(r => finals[r.Key] is var final && (!final.Read || (final.Found && final.Generation < r.Generation))).ToList();
        var described = finals.ToDictionary(
            f => f.Key,
            f => !f.Value.Read ? "unreadable" : f.Value.Found ? string.Create(CultureInfo.InvariantCulture, $"generation {f.Value.Generation}") : "absent",
            StringComparer.Ordinal);
        return new AppLoadCheck(report, faultAtMs, backAtMs, back.FirstClusterSuccessMs, faultRemoves, notApplied, described);
    }

    /// <summary>The figures, one line each, for <see cref="FaultFigures"/>.</summary>
    public IReadOnlyList<string> Figures(string fault, string back)
    {
        var gos = Fault.Operations[AppOperations.GetOrSet];
        var normal = Before.Operations[AppOperations.GetOrSet];
        var reads = Fault.Operations[AppOperations.Get];
        var removes = FaultRemoves.GroupBy(r => r.Outcome, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}");
        var quiet = FaultRemoves.Where(r => Report.QuietKeys.Contains(r.Key)).ToList();
        var behindFault = Report.BehindReads.Count(b => b.StartedAtMs >= FaultAtMs && b.StartedAtMs < BackAtMs);
        var behindBound = Report.BehindReads.Count(b => b.StartedAtMs >= BackAtMs && b.StartedAtMs < SettledAtMs);
        return
        [
            $"fault: {fault}; the load's fault phase lasted {FaultFigures.Ms(BackAtMs - FaultAtMs)}; back: {back}",
            $"GetOrSet failed: {GetOrSetFailed} of {GetOrSetCalls:N0} calls{ByType(Report.Phases.SelectMany(p => p.Operations[AppOperations.GetOrSet].FailedByType))} (must be 0)",
            $"GetOrSet during the fault: {gos.Calls:N0} calls, {gos.Failed} failed, latency p50 {Ms(gos.P50Ms)}, p90 {Ms(gos.P90Ms)}, p99 {Ms(gos.P99Ms)}, max {Ms(gos.MaxMs)} " +
                $"(factory {Report.FactoryDelayMs} ms, {Fault.FactoryRuns:N0} factory runs; before the fault p50 {Ms(normal.P50Ms)}, p99 {Ms(normal.P99Ms)})",
            $"TryGet during the fault: {reads.Calls:N0} calls, {reads.Found:N0} found, {reads.Failed:N0} failed{ByType(reads.FailedByType)}, p99 {Ms(reads.P99Ms)}",
            $"Set/Remove during the fault: {Fault.Operations[AppOperations.Set].Calls - Fault.Operations[AppOperations.Set].Failed} of {Fault.Operations[AppOperations.Set].Calls} Sets acknowledged, " +
                $"{Fault.Operations[AppOperations.Remove].Calls - Fault.Operations[AppOperations.Remove].Failed} of {Fault.Operations[AppOperations.Remove].Calls} Removes returned",
            UsingAgainAtMs is { } again
                ? $"back to using the cluster: the first acknowledged Set or returned Remove came {FaultFigures.Ms(again - BackAtMs)} after the cluster was back"
                : $"back to using the cluster: no Set was acknowledged and no Remove returned in the {FaultFigures.Ms(Report.StoppedAtMs - BackAtMs)} the load ran after the cluster was back",
            $"Removes issued during the fault: {FaultRemoves.Count} ({string.Join(", ", removes)}; {FaultRemoves.Count(r => r.AfterFailedSet)} after a failed Set); " +
                $"applied after recovery: {FaultRemoves.Count - NotApplied.Count} of {FaultRemoves.Count} (must be all); of them on the {Report.QuietKeys.Count} keys the load left alone after the fault " +
                $"(where a later write cannot hide a lost Remove): {quiet.Count - quiet.Count(r => NotApplied.Contains(r))} of {quiet.Count}",
            $"reads behind a generation the client knew of: {behindFault} during the fault, {behindBound} in the {FaultFigures.Ms(SettledAtMs - BackAtMs)} from the cluster's return to the bound " +
                $"(first success + {FaultFigures.Ms(StaleBound)}), {StaleBeyondBound.Count} after it (stale reads beyond the bound, must be 0; " +
                $"the load ran on {FaultFigures.Ms(Math.Max(0, Report.StoppedAtMs - SettledAtMs))} past the bound)",
            $"errors seen: {(Report.ErrorExamples.Count == 0 ? "none" : string.Join("; ", Report.ErrorExamples.Select(e => $"{e.Key}: \"{e.Value}\"")))}",
        ];
    }

    /// <summary>The three assertions of issue 15, after the figures are out.</summary>
    public void AssertPromises()
    {
        Assert.True(GetOrSetFailed == 0, $"{GetOrSetFailed} GetOrSet calls failed{ByType(Report.Phases.SelectMany(p => p.Operations[AppOperations.GetOrSet].FailedByType))}.");
        Assert.True(
            NotApplied.Count == 0,
            $"{NotApplied.Count} of {FaultRemoves.Count} Removes issued during the fault were not applied:\n  " + string.Join(
                "\n  ",
                NotApplied.Take(20).Select(r => $"{r.Key} generation {r.Generation} (issued {r.IssuedAtMs - FaultAtMs} ms into the fault, {r.Outcome}): read back {Finals[r.Key]}")));
        var stale = StaleBeyondBound;
        Assert.True(
            stale.Count == 0,
            $"{stale.Count} reads later than {FaultFigures.Ms(SettledAtMs - BackAtMs)} after the cluster's return were behind a generation the client knew of:\n  " +
            string.Join("\n  ", stale.Take(20).Select(b => $"{b.Operation} {b.Key} at {b.StartedAtMs - BackAtMs} ms: generation {b.Generation}, known {b.Known}")));
    }

    private AppPhase Phase(string name) =>
        Report.Phases.SingleOrDefault(p => p.Name == name) ?? throw new InvalidOperationException($"The load did not report the phase '{name}': {string.Join(", ", Report.Phases.Select(p => p.Name))}.");

    private static async Task<(bool Read, bool Found, long Generation)> ReadBackAsync(IClusterCache cache, string key)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            try
            {
                var read = await cache.TryGetAsync<long>(key, new CacheReadOptions { UseNearCache = false });
                return (true, read.Found, read.Value);
            }
            catch (CacheClusterException) when (TimeProvider.System.GetElapsedTime(started) < ReadPatience)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
            }
            catch (CacheClusterException)
            {
                return (false, false, 0);
            }
        }
    }

    private static string ByType(IEnumerable<KeyValuePair<string, long>> counts)
    {
        var byType = counts.GroupBy(c => c.Key, StringComparer.Ordinal).Select(g => $"{g.Sum(c => c.Value)} × {g.Key}").ToList();
        return byType.Count == 0 ? string.Empty : $" ({string.Join(", ", byType)})";
    }

    private static string Ms(double milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:0.0} ms");
}
