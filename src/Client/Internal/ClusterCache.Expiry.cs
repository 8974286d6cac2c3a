namespace CacheCluster.Internal;

/// <summary>Expiry commands: Expire, Touch, Persist, and the read that touches.</summary>
internal sealed partial class ClusterCache
{
    public Task<bool> ExpireAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken = default)
    {
        CacheKey.Validate(key, _options.MaxKeyBytes);
        if (timeToLive > CacheEntryOptions.MaxTimeToLive)
        {
            throw new InvalidCacheOptionsException(
                $"The time to live must be at most {CacheEntryOptions.MaxTimeToLive.TotalDays:0} days (was {timeToLive}).")
            {
                Key = CacheKey.Describe(key),
                Operation = ClusterOperation.Expire.Name,
            };
        }

        return CallAsync(key, ClusterOperation.Expire, g => g.ExpireAsync(timeToLive), cancellationToken);
    }

    public Task<bool> TouchAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync(key, ClusterOperation.Touch, static g => g.TouchAsync(), cancellationToken);

    public Task<bool> PersistAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync(key, ClusterOperation.Persist, static g => g.PersistAsync(), cancellationToken);

    public Task<CacheReadResult> GetAndTouchBytesAsync(string key, CancellationToken cancellationToken = default) =>
        CallAsync(key, ClusterOperation.GetAndTouch, static g => g.GetAndTouchAsync(), cancellationToken);
}
