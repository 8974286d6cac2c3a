namespace CacheCluster.Tests.Faults;

/// <summary>A silo crashing, leaving or joining, as the fault tests saw it (Unix milliseconds).</summary>
/// <param name="FromMs">When the change began (the kill, the SIGTERM, the joining silo's first row in the membership table).</param>
/// <param name="SuccessorsFromMs">
/// The earliest moment a grain could get a new activation because of the change: for a crash, when the dead silo
/// could first be seen dead in the membership table (Orleans moves nothing before); otherwise <paramref name="FromMs"/>.
/// </param>
/// <param name="ToMs">When the cluster had taken the change in (the membership table, plus propagation).</param>
internal sealed record MembershipChange(long FromMs, long SuccessorsFromMs, long ToMs)
{
    public MembershipChange(long fromMs, long toMs)
        : this(fromMs, fromMs, toMs)
    {
    }

    /// <summary>Whether the change overlaps the span from <paramref name="startMs"/> to <paramref name="endMs"/>.</summary>
    public bool Overlaps(long startMs, long endMs) => FromMs < endMs && startMs <= ToMs;
}
