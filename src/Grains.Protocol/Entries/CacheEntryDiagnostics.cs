namespace CacheCluster;

/// <summary>Why an entry is what it is: its lease, the readers waiting on it, near-cache trackers, the last invalidation.</summary>
/// <remarks>Wire protocol between CacheCluster's tools and silos; not for application code. Kept in memory only.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
[GenerateSerializer, Immutable, Alias("cachecluster.entry-diagnostics")]
public sealed record CacheEntryDiagnostics
{
    /// <summary>Gets the outstanding lease, or <see langword="null"/> when none.</summary>
    [Id(0)]
    public CacheLease? Lease { get; init; }

    /// <summary>Gets how many readers are parked in the grain waiting for the lease holder's fill.</summary>
    [Id(1)]
    public int Waiters { get; init; }

    /// <summary>Gets how many clients track the key in their near cache.</summary>
    [Id(2)]
    public int Trackers { get; init; }

    /// <summary>Gets the last invalidation that removed the entry in this activation (<c>event TYPE ID</c> or <c>direct</c>), or <see langword="null"/>.</summary>
    [Id(3)]
    public string? LastInvalidation { get; init; }

    /// <summary>Gets when <see cref="LastInvalidation"/> happened, by the cache clock.</summary>
    [Id(4)]
    public DateTimeOffset? LastInvalidatedAt { get; init; }
}
