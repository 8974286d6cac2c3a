namespace CacheCluster.Invalidation;

/// <summary>A near-cache client that says it is stopping is forgotten at once, with no ping (<see cref="NearCacheClientsGrain"/>).</summary>
internal sealed partial class SiloInvalidationGrain
{
    /// <remarks>
    /// O(1): the client is only marked gone. Its trackers are then told nothing, not counted, and dropped with the rest at
    /// each entry's next change or deactivation. A sweep of every tracking activation here (100,000 after a large read
    /// phase) held a thread for 1 to 2 s per stopping client and stalled a 2-core silo's thread pool for 2.6 s.
    /// </remarks>
    public Task<int> ForgetStoppingClientAsync(GrainId client) => Task.FromResult(notices.ForgetClient(client) ? 1 : 0);
}
