namespace CacheCluster.Invalidation;

/// <summary>
/// One per silo (the key is the silo's address): removes a batch of keys from that silo's entry activations in one
/// message, and forgets the near-cache trackers of clients that are gone.
/// </summary>
internal interface ISiloInvalidationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Removes those of <paramref name="keys"/> whose entry is active on this silo (and, with <paramref name="tag"/>, still
    /// carries it), the store removal of the group in one pipelined call; the rest is left to the caller.
    /// </summary>
    Task<SiloRemoval> RemoveAsync([Immutable] string[] keys, string? tag);

    /// <summary>
    /// A gateway dropped <paramref name="client"/>: if a tracker of it here no longer answers, its trackers are forgotten.
    /// </summary>
    /// <returns>How many entries forgot a tracker of it.</returns>
    Task<int> ForgetClientAsync(GrainId client);

    /// <summary>
    /// <paramref name="client"/> says it is stopping (<see cref="INearCacheClientsGrain"/>): from now on no notice goes
    /// to it from this silo, and its trackers here are no longer counted; each entry drops them at its next change.
    /// </summary>
    /// <returns>1 if this silo did not know it was gone yet, else 0.</returns>
    Task<int> ForgetStoppingClientAsync(GrainId client);
}
