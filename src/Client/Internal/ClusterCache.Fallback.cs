using CacheCluster.Resilience;

namespace CacheCluster.Internal;

/// <summary>
/// GetOrSet when the cache cannot answer (unreachable, slower than ClusterTimeout, the breaker open, a storage error,
/// or a write of this client to the key still queued): the near copy, even stale, up to the fail-safe maximum; then the
/// factory in this process, one run per key for concurrent callers. Only the factory's own failure reaches the caller.
/// </summary>
internal sealed partial class ClusterCache
{
    private async Task<T?> FallbackAsync<T>(string key, Func<CancellationToken, Task<T?>> factory, GetOrSetOptions options, bool nearWrite, Exception? cause, CancellationToken cancellationToken)
    {
        var near = _near;
        if (near is not null && (options.NearCacheRead ?? _options.NearCache.Enabled) && near.TryGetFailSafe(key, out var copy) && copy.Value is not null)
        {
            _metrics.Fallback("near");
            LogDebugFallback(cause!, CacheKey.Hash(key), "near copy");
            return Read<T>(copy, options);
        }

        if (!options.RunFactory)
        {
            _metrics.Fallback("miss");
            return default;
        }

        _metrics.Fallback("factory");
        LogDebugFallback(cause!, CacheKey.Hash(key), "factory in this process");
        var value = await Resilience.Flights.RunAsync(key, () => RunFallbackFactoryAsync(key, factory, options, nearWrite)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return value;
    }

    /// <summary>One run for every concurrent caller of the key: the result is kept near, for fail-safe only, when near writes are on.</summary>
    private async Task<T?> RunFallbackFactoryAsync<T>(string key, Func<CancellationToken, Task<T?>> factory, GetOrSetOptions options, bool nearWrite)
    {
        // Taken before the factory runs: this client's change to the key meanwhile voids the copy.
        var marker = nearWrite ? Near.BeginRead(key) : null;
        var value = await RunFactoryAloneAsync(key, factory, options, CancellationToken.None).ConfigureAwait(false);
        if (marker is not null && value is not null)
        {
            try
            {
                var entry = options.EntryOptions;
                Near.KeepFailSafe(key, marker, Serialize(value, options), entry.Tags, entry.TimeToLive is { } ttl && (options.NearCacheExpiration is not { } bound || ttl < bound) ? ttl : options.NearCacheExpiration);
            }
            catch (CacheClusterException)
            {
                // Not storable (too large for the serializer's limits): the value still goes back to the callers.
            }
        }

        return value;
    }
}
