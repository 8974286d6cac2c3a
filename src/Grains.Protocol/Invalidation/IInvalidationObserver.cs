using System.ComponentModel;

namespace CacheCluster;

/// <summary>A subscriber to the invalidation stream: a near cache, a CDN purger, the application.</summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IInvalidationObserver : IGrainObserver
{
    /// <summary>Receives the notices of one partition, one at a time, in sequence order.</summary>
    /// <param name="notice">The notice.</param>
    /// <returns>A task that completes when the subscriber has taken the notice; a fault counts as a failed delivery.</returns>
    Task OnInvalidatedAsync(InvalidationNotice notice);
}
