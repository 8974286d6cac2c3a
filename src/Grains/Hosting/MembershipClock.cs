using System.Diagnostics;

namespace CacheCluster.Hosting;

/// <summary>
/// The clock Orleans' membership and health monitoring read (keyed <c>TimeProviderNames.Membership</c>): the system
/// clock, with timestamps counted from when this clock was created instead of from the machine's boot.
/// </summary>
/// <remarks>
/// Orleans 10.4.2's watchdog starts its platform-check thread before it records the component check's first timestamp,
/// so the thread's first check can read that timestamp while it is still 0 and warn "Participant check thread has not
/// completed for {elapsed}, potentially indicating … deadlock" with the machine's uptime as the duration: a false warning
/// on most starts of a loaded machine, and the first line a newcomer saw. With timestamps counted from this clock's
/// creation (moments before the silo starts), a 0 reads as "a few seconds ago", below the warning's threshold (twice
/// <c>ClusterMembershipOptions.LocalHealthDegradationMonitoringPeriod</c>, 20 s by default), while every real interval,
/// and so every real stall warning, is unchanged.
/// </remarks>
internal sealed class MembershipClock : TimeProvider
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    public override long GetTimestamp() => Stopwatch.GetTimestamp() - _origin;
}
