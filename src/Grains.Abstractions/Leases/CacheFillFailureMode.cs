namespace CacheCluster;

/// <summary>What to do with a holder's failure when no value exists to fall back on.</summary>
public enum CacheFillFailureMode : byte
{
    /// <summary>Waiters take over: the next one is granted the lease and tries again.</summary>
    NextWaiterRetries = 0,

    /// <summary>Waiters get the holder's error too, instead of hitting a failing source again.</summary>
    WaitersFail = 1,
}
