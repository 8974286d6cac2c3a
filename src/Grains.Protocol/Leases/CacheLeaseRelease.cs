using System.ComponentModel;

namespace CacheCluster;

/// <summary>How a lease holder gives its lease back without a value.</summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum CacheLeaseRelease : byte
{
    /// <summary>The holder stopped (cancelled, shutting down): the next waiter takes over.</summary>
    Abandoned = 0,

    /// <summary>The source failed: fail-safe applies (stale value kept, refreshes throttled).</summary>
    Failed = 1,

    /// <summary>The source has no value and none is cached: current waiters are told so.</summary>
    NoValue = 2,
}
