namespace CacheCluster.RateLimiting.Internal;

/// <summary>Where limiter checkpoints live: Redis in Redis mode, memory in embedded mode.</summary>
internal interface IRateLimitStore
{
    /// <summary>Gets a value indicating whether the store is not known to be unreachable (no round trip).</summary>
    bool IsAvailable { get; }

    Task<byte[]?> ReadAsync(string limiterKey);

    /// <summary>Stores a checkpoint that expires once it can no longer change a decision.</summary>
    Task WriteAsync(string limiterKey, byte[] state, TimeSpan timeToLive);
}
