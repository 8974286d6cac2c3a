namespace CacheCluster;

/// <summary>How a read-for-fill ended.</summary>
public enum CacheLookupOutcome : byte
{
    /// <summary>A value was found (fresh, or stale when allowed). <see cref="CacheLookup.Lease"/> may hold a refresh lease.</summary>
    Hit = 0,

    /// <summary>No value: this caller holds the fill lease and should compute the value.</summary>
    LeaseGranted = 1,

    /// <summary>Another caller holds the lease and the wait ended before its fill; ask again.</summary>
    WaitTimedOut = 2,

    /// <summary>The holder's fill failed and the request asked to share the failure (<see cref="CacheLookup.Error"/>).</summary>
    FillFailed = 3,

    /// <summary>The holder found no value and cached none: the key has no value right now.</summary>
    NoValue = 4,
}

/// <summary>The answer to a read-for-fill.</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.lookup")]
public sealed record CacheLookup
{
    /// <summary>Gets how the read ended.</summary>
    [Id(0)]
    public CacheLookupOutcome Outcome { get; init; }

    /// <summary>Gets the value and its metadata when <see cref="Outcome"/> is <see cref="CacheLookupOutcome.Hit"/>.</summary>
    [Id(1)]
    public CacheReadResult? Entry { get; init; }

    /// <summary>Gets the lease granted to this caller, if any: a fill lease, or a refresh lease alongside a hit.</summary>
    [Id(2)]
    public CacheLease? Lease { get; init; }

    /// <summary>Gets the holder's error message when <see cref="Outcome"/> is <see cref="CacheLookupOutcome.FillFailed"/>.</summary>
    [Id(3)]
    public string? Error { get; init; }
}

/// <summary>How a lease holder gives its lease back without a value.</summary>
public enum CacheLeaseRelease : byte
{
    /// <summary>The holder stopped (cancelled, shutting down): the next waiter takes over.</summary>
    Abandoned = 0,

    /// <summary>The source failed: fail-safe applies (stale value kept, refreshes throttled).</summary>
    Failed = 1,

    /// <summary>The source has no value and none is cached: current waiters are told so.</summary>
    NoValue = 2,
}
