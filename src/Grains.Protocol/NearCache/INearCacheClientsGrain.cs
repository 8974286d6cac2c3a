namespace CacheCluster;

/// <summary>
/// The near-cache clients, as the cluster sees them: a client that stops says so here, and every silo forgets its
/// trackers at once, so that no change is sent to it afterwards (without this, a silo keeps sending it notices until the
/// gateway drops it, <c>SiloMessagingOptions.ClientDropTimeout</c>, 1 min by default).
/// </summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface INearCacheClientsGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// The client of <paramref name="tracker"/> (its near cache) is stopping: every active silo forgets that client's
    /// trackers and tells it nothing more.
    /// </summary>
    /// <param name="tracker">The stopping client's near cache.</param>
    /// <returns>How many silos took note (those that knew already, or did not answer, are not counted).</returns>
    Task<int> ForgetStoppingClientAsync(INearCacheObserver tracker);
}
