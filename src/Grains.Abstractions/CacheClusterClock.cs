namespace CacheCluster;

/// <summary>
/// The clock that expiry, versions and leases read. It is a <see cref="TimeProvider"/> registered under
/// <see cref="ServiceKey"/>, defaulting to <see cref="TimeProvider.System"/>, so that tests can fake cache time
/// without faking the Orleans runtime's own timers.
/// </summary>
public static class CacheClusterClock
{
    /// <summary>The keyed-service key of the cache clock.</summary>
    public const string ServiceKey = "CacheCluster.Clock";
}
