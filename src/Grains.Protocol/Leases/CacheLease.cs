using System.ComponentModel;

namespace CacheCluster;

/// <summary>
/// The right, granted to exactly one caller in the whole cluster, to compute and write one key's value
/// (as memcache leases at Facebook). Only a write carrying the token is accepted, and only while the lease stands:
/// a delete, overwrite or invalidation of the key voids it.
/// </summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[GenerateSerializer, Immutable, Alias("cachecluster.lease")]
[EditorBrowsable(EditorBrowsableState.Never)]
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
