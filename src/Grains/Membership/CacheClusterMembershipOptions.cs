namespace CacheCluster.Hosting;

/// <summary>
/// How fast the silos notice a silo that died (<c>CacheCluster:Membership</c>), passed to Orleans'
/// <c>ClusterMembershipOptions</c> under the same names. The defaults suit a cache on a LAN: a crashed silo is
/// declared dead in about two seconds, instead of Orleans' default of about fifteen.
/// </summary>
/// <remarks>
/// Each silo probes the others. A probe's timeout adapts to the measured round trips between
/// <see cref="ProbeTimeout"/>/2 and <see cref="MaxProbeTimeout"/>, and a silo probes again once that timeout has
/// passed. After <see cref="NumMissedProbesLimit"/> missed probes in a row (the last one made through another silo)
/// it votes the silo dead, and <see cref="NumVotesForDeathDeclaration"/> votes declare it dead in the membership
/// table. A crashed process refuses connections, so its probes fail at once; one that hangs makes each probe wait out
/// its timeout. Either way the silo is declared dead within <see cref="DetectionTime"/>.
/// </remarks>
public sealed class CacheClusterMembershipOptions
{
    /// <summary>Gets or sets the initial probe timeout; the least the adaptive timeout may be is half of it.</summary>
    /// <value>Default: 1 second (Orleans: 5 seconds).</value>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the most the adaptive probe timeout may grow to, as on a slow or overloaded machine.</summary>
    /// <value>Default: 3 seconds (Orleans: 4 × <see cref="ProbeTimeout"/>).</value>
    public TimeSpan MaxProbeTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets or sets how many probes in a row a silo must miss before it is voted dead.</summary>
    /// <value>Default: 3 (as Orleans).</value>
    public int NumMissedProbesLimit { get; set; } = 3;

    /// <summary>Gets or sets how many votes declare a silo dead (fewer when fewer silos are active).</summary>
    /// <value>Default: 2 (as Orleans).</value>
    public int NumVotesForDeathDeclaration { get; set; } = 2;

    /// <summary>Gets or sets how long a vote counts.</summary>
    /// <value>Default: 20 seconds (Orleans: 2 minutes).</value>
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets or sets how often a silo writes its heartbeat to the membership table.</summary>
    /// <value>Default: 10 seconds (Orleans: 30 seconds).</value>
    public TimeSpan IAmAliveTablePublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how often a silo re-reads the membership table (changes also spread by gossip at once).</summary>
    /// <value>Default: 10 seconds (Orleans: 60 seconds).</value>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets the longest a dead silo goes undetected: <see cref="NumMissedProbesLimit"/> probes of at most
    /// <see cref="MaxProbeTimeout"/> each. With the defaults, 9 seconds; a crashed silo is usually declared dead after
    /// three probes of the least timeout, about two seconds.
    /// </summary>
    public TimeSpan DetectionTime => MaxProbeTimeout * NumMissedProbesLimit;
}
