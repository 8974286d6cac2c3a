namespace CacheCluster;

/// <summary>Why a lease was granted.</summary>
public enum CacheLeaseKind : byte
{
    /// <summary>The key is missing: the holder computes the value everyone is waiting for.</summary>
    Fill = 0,

    /// <summary>The key is stale (or past its eager-refresh point): the holder refreshes it while others keep reading.</summary>
    Refresh = 1,
}

/// <summary>
/// The right, granted to exactly one caller in the whole cluster, to compute and write one key's value
/// (as memcache leases at Facebook). Only a write carrying the token is accepted, and only while the lease stands:
/// a delete, overwrite or invalidation of the key voids it.
/// </summary>
[GenerateSerializer, Immutable, Alias("cachecluster.lease")]
public readonly record struct CacheLease
{
    /// <summary>Gets the opaque token the fill must carry.</summary>
    [Id(0)]
    public long Token { get; init; }

    /// <summary>Gets why the lease was granted.</summary>
    [Id(1)]
    public CacheLeaseKind Kind { get; init; }

    /// <summary>Gets the time after which the lease passes to the next caller if no fill arrived.</summary>
    [Id(2)]
    public DateTimeOffset ExpiresAt { get; init; }
}
