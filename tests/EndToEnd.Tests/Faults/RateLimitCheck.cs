using CacheCluster.FaultLoad.Recording;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// Counts, per identifier and fixed window, what the cluster admitted to both load clients, and holds each window to
/// the limit, or, for a window that overlaps a membership change (a silo crashing, leaving or joining), to the limit
/// plus what the limiter admitted since its last checkpoint, as README promises.
/// </summary>
/// <remarks>
/// <para>The bound of a changed window comes from the checkpoints and the decisions, not from how many admissions there
/// were. For each change c that overlaps window W of an identifier:</para>
/// <code>
/// bound(W) = Limit + Σ_c max(0, N_c − C_c)
///   C_c = the count of W's newest checkpoint in Redis at the earliest moment c could give the limiter a new
///         activation (CheckpointWatch, at c.SuccessorsFromMs; 0 if W had none by then)
///   N_c = the highest count any activation of the limiter had reached in W by the time c was taken in
///         (c.ToMs + Slack), read from the decisions themselves: an admission's count is Limit − Remaining
/// </code>
/// <para>Why: an activation that is lost (or, for a moment, doubled by Orleans' eventually consistent directory)
/// is succeeded by one that starts from the newest checkpoint when it activates, whose count is at least C_c, since
/// checkpoints of one window only grow. The successor admits at most Limit − C_c more; its predecessor had admitted N_c
/// at most (it is gone, or no longer called, once the change is taken in). So W admits at most N_c + Limit − C_c = Limit + (N_c − C_c): N_c − C_c is "what the limiter admitted since
/// its last checkpoint". A restore that is ignored, or one from an older checkpoint than Redis held, breaks it: the
/// successor admits up to a full Limit again. A window that began after the change could move the limiter has no
/// checkpoint then (C_c = 0), and gets the loosest bound: Limit plus what it admitted while the change was taken
/// in.</para>
/// </remarks>
internal static class RateLimitCheck
{
    /// <summary>Room for the decisions of the changing silo still on their way to the clients when the change was taken in.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(500);

    /// <param name="reports">The load clients' results.</param>
    /// <param name="checkpoints">The checkpoints read while the test ran; needed when there are <paramref name="changes"/>.</param>
    /// <param name="changes">The membership changes, from their start to when the cluster had taken them in.</param>
    public static IReadOnlyList<LimiterWindow> Verify(IReadOnlyList<LoadReport> reports, CheckpointWatch? checkpoints, params MembershipChange[] changes)
    {
        Assert.True(changes.Length == 0 || checkpoints is not null, "A check across membership changes needs the checkpoints.");
        var windowMs = (long)FaultCluster.Window.TotalMilliseconds;
        var windows = reports
            .SelectMany(report => report.RateLimit.Limiters)
            .SelectMany(limiter => limiter.Admitted.Select(admission => (limiter.Identifier, admission)))
            .GroupBy(a => (a.Identifier, End: (long)Math.Round(a.admission.ResetAtMs / (double)windowMs) * windowMs))
            .Select(window =>
            {
                var (identifier, end) = window.Key;
                var overlapping = changes.Where(change => change.Overlaps(end - windowMs, end)).ToList();
                var lost = overlapping.Sum(change =>
                {
                    var checkpointed = checkpoints!.CountAt(identifier, end - windowMs, change.SuccessorsFromMs);
                    var reached = window
                        .Where(a => a.admission.AtMs <= change.ToMs + (long)Slack.TotalMilliseconds)
                        .Select(a => FaultCluster.Limit - a.admission.Remaining)
                        .DefaultIfEmpty(0)
                        .Max();
                    return Math.Max(0, reached - checkpointed);
                });
                return new LimiterWindow(identifier, end, window.Count(), FaultCluster.Limit + (int)lost, overlapping.Count > 0);
            })
            .OrderBy(window => window.Identifier, StringComparer.Ordinal)
            .ThenBy(window => window.WindowEndMs)
            .ToList();

        Assert.NotEmpty(windows);
        var over = windows.Where(window => window.Admitted > window.Bound).ToList();
        Assert.True(over.Count == 0, "Windows admitted more than their bound:\n" + string.Join("\n", over));

        // The load must have pressed on the limit, or the check says nothing; and the checkpoints must have been seen,
        // or every changed window's bound is the limit plus all it admitted before the change.
        Assert.Contains(windows, window => window.Admitted >= FaultCluster.Limit);
        Assert.True(changes.Length == 0 || checkpoints!.Samples > 0, "No limiter checkpoint was read from Redis while the test ran.");
        return windows;
    }
}

/// <param name="Identifier">The identifier counted.</param>
/// <param name="WindowEndMs">The end of the fixed window.</param>
/// <param name="Admitted">What both clients were admitted in it.</param>
/// <param name="Bound">The limit, plus what the limiter admitted since its last checkpoint in a window that overlaps a membership change.</param>
/// <param name="MembershipChanged">Whether the window overlaps a membership change.</param>
internal sealed record LimiterWindow(string Identifier, long WindowEndMs, int Admitted, int Bound, bool MembershipChanged);
