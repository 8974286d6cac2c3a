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
    /// <paramref name="client"/> says it is stopping (<see cref="INearCacheClientsGrain"/>): its trackers here are
    /// forgotten at once, and no notice goes to it any more.
    /// </summary>
    /// <returns>How many entries forgot a tracker of it.</returns>
    Task<int> ForgetStoppingClientAsync(GrainId client);
}
