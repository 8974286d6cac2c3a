using CacheCluster.FaultLoad.Recording;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// Counts, per identifier and fixed window, what the cluster admitted to both load clients, and holds each window to
/// the limit, or, for a window that overlaps a membership change (a silo crashing, leaving or joining), to the limit
/// plus the checkpoint bound. A crashed limiter restarts from its last checkpoint, so it can admit again at most what
/// it admitted since then: never more than it admits within one <see cref="FaultCluster.CheckpointInterval"/> (plus a
/// checkpoint write in flight). While the membership changes, Orleans' eventually consistent directory may also give a
/// limiter a second activation for a moment, which starts from the checkpoint in the same way.
/// </summary>
internal static class RateLimitCheck
{
    /// <summary>Room for a checkpoint write still in flight at the crash, and for client-side timestamps.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(500);

    /// <param name="reports">The load clients' results.</param>
    /// <param name="changes">The membership changes, from their start to when the cluster had taken them in.</param>
    public static IReadOnlyList<LimiterWindow> Verify(IReadOnlyList<LoadReport> reports, params (long FromMs, long ToMs)[] changes)
    {
        var windowMs = (long)FaultCluster.Window.TotalMilliseconds;
        var spanMs = (long)(FaultCluster.CheckpointInterval + Slack).TotalMilliseconds;
        var windows = reports
            .SelectMany(report => report.RateLimit.Limiters)
            .SelectMany(limiter => limiter.Admitted.Select(admission => (limiter.Identifier, admission)))
            .GroupBy(a => (a.Identifier, End: (long)Math.Round(a.admission.ResetAtMs / (double)windowMs) * windowMs))
            .Select(window =>
            {
                var times = window.Select(a => a.admission.AtMs).Order().ToArray();
                var overlapping = changes.Where(change => change.FromMs < window.Key.End && window.Key.End - windowMs <= change.ToMs).ToList();
                var changed = overlapping.Count > 0;
                var until = changed ? overlapping.Max(change => change.ToMs) + (long)Slack.TotalMilliseconds : 0;
                var bound = FaultCluster.Limit + (changed ? MostWithin(times.Where(t => t <= until).ToArray(), spanMs) : 0);
                return new LimiterWindow(window.Key.Identifier, window.Key.End, times.Length, bound, changed);
            })
            .OrderBy(window => window.Identifier, StringComparer.Ordinal)
            .ThenBy(window => window.WindowEndMs)
            .ToList();

        Assert.NotEmpty(windows);
        var over = windows.Where(window => window.Admitted > window.Bound).ToList();
        Assert.True(over.Count == 0, "Windows admitted more than their bound:\n" + string.Join("\n", over));

        // The load must have pressed on the limit, or the check says nothing.
        Assert.Contains(windows, window => window.Admitted >= FaultCluster.Limit);
        return windows;
    }

    /// <summary>The most of <paramref name="sorted"/> times that fall within any span of <paramref name="spanMs"/>.</summary>
    private static int MostWithin(long[] sorted, long spanMs)
    {
        var most = 0;
        for (int first = 0, last = 0; last < sorted.Length; last++)
        {
            while (sorted[last] - sorted[first] > spanMs)
            {
                first++;
            }

            most = Math.Max(most, last - first + 1);
        }

        return most;
    }
}

/// <param name="Identifier">The identifier counted.</param>
/// <param name="WindowEndMs">The end of the fixed window.</param>
/// <param name="Admitted">What both clients were admitted in it.</param>
/// <param name="Bound">The limit, plus the checkpoint bound in a window that overlaps a membership change.</param>
/// <param name="MembershipChanged">Whether the window overlaps a membership change.</param>
internal sealed record LimiterWindow(string Identifier, long WindowEndMs, int Admitted, int Bound, bool MembershipChanged);
