namespace CacheCluster.Batches;

/// <summary>
/// The entry grain as a batch set sees it (<see cref="CacheBatchGrain"/>): after the store took a batch's record at a
/// version, an activation that had started to leave could not take it on its own scheduler; the key's next activation
/// may have loaded the older record before the store changed, so it is asked to catch up.
/// </summary>
internal interface IEntryBatchTarget : IGrainWithStringKey
{
    /// <summary>Reloads the record from the store if the activation holds one older than <paramref name="version"/>.</summary>
    /// <returns><see langword="true"/> if it reloaded.</returns>
    Task<bool> CatchUpAsync(long version);
}
