using System.ComponentModel;

namespace CacheCluster;

/// <summary>Why a lease was granted.</summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum CacheLeaseKind : byte
{
    /// <summary>The key is missing: the holder computes the value everyone is waiting for.</summary>
    Fill = 0,

    /// <summary>The key is stale (or past its eager-refresh point): the holder refreshes it while others keep reading.</summary>
    Refresh = 1,
}
