using System.ComponentModel;

namespace CacheCluster;

/// <summary>How a read-for-fill ended.</summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
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
