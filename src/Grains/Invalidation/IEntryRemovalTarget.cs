namespace CacheCluster.Invalidation;

/// <summary>
/// The entry grain as a batch removal sees it (<see cref="SiloInvalidationGrain"/>): after the store removed the record at
/// a version, the activation lets go of it. Used only when the activation could not be cleared without a call.
/// </summary>
internal interface IEntryRemovalTarget : IGrainWithStringKey
{
    /// <summary>
    /// Lets go of the record if it is still the one at <paramref name="version"/>, which the store removed; a record
    /// written since stays. Write-behind changes queued meanwhile go to the store first (where they lose their fence).
    /// </summary>
    /// <returns><see langword="true"/> if the activation held that record and let it go.</returns>
    Task<bool> DropRemovedAsync(long version);
}
