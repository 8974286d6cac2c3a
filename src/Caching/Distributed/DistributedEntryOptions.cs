using Microsoft.Extensions.Caching.Distributed;

namespace CacheCluster.Caching.Distributed;

/// <summary>Turns <see cref="DistributedCacheEntryOptions"/> into the cluster's <see cref="CacheEntryOptions"/>.</summary>
internal static class DistributedEntryOptions
{
    /// <summary>
    /// Maps the options as Microsoft's RedisCache reads them: <see cref="DistributedCacheEntryOptions.AbsoluteExpirationRelativeToNow"/>
    /// wins over <see cref="DistributedCacheEntryOptions.AbsoluteExpiration"/>; the absolute expiry becomes the time to
    /// live (the hard cap), and the sliding window is kept with the entry so that reads and refreshes extend it.
    /// </summary>
    /// <param name="options">The caller's options; <see langword="null"/> or empty for an entry without expiry.</param>
    /// <param name="now">The cache clock's current time.</param>
    /// <returns>The cluster's entry options.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The absolute expiration is not in the future (RedisCache's error).</exception>
    public static CacheEntryOptions ToEntryOptions(DistributedCacheEntryOptions? options, DateTimeOffset now)
    {
        if (options is null)
        {
            return Unbounded;
        }

        // As RedisCache: a past AbsoluteExpiration is an error even when the relative one (which wins) is also set.
        if (options.AbsoluteExpiration is { } at && at <= now)
        {
#pragma warning disable CA2208 // The parameter name is the options property, as Microsoft's RedisCache gives it.
            throw new ArgumentOutOfRangeException(
                nameof(DistributedCacheEntryOptions.AbsoluteExpiration),
                at,
                "The absolute expiration value must be in the future.");
#pragma warning restore CA2208
        }

        DateTimeOffset? absolute = options.AbsoluteExpirationRelativeToNow is { } relative
            ? now + relative
            : options.AbsoluteExpiration;

        // DistributedCacheEntryOptions' own setters reject a relative or sliding value <= 0, so neither can reach here.
        var timeToLive = absolute - now;
        return (timeToLive, options.SlidingExpiration) switch
        {
            (null, null) => Unbounded,
            (null, { } sliding) => Sliding(null, sliding),
            ({ } ttl, null) => new CacheEntryOptions { TimeToLive = ttl, FreshFor = ttl },
            ({ } ttl, { } sliding) => Sliding(ttl, sliding),
        };
    }

    private static CacheEntryOptions Unbounded { get; } = new();

    private static CacheEntryOptions Sliding(TimeSpan? absolute, TimeSpan sliding) =>
        // The grain sets the first hard expiry to the sooner of the two and slides it on every touch, up to the cap.
        new() { TimeToLive = absolute, SlidingExpiration = sliding };
}
