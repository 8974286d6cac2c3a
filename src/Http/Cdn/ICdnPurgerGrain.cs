namespace CacheCluster.Http.Cdn;

/// <summary>The cluster's one CDN purger: an invalidation subscriber (itself a grain, so it survives silo loss).</summary>
internal interface ICdnPurgerGrain : IGrainWithIntegerKey, IInvalidationObserver
{
    /// <summary>Activates the purger and makes sure it is subscribed to every stream partition.</summary>
    Task EnsureSubscribedAsync();
}
