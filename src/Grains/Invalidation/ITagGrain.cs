namespace CacheCluster.Invalidation;

/// <summary>
/// The entity grain of one tag (such as <c>user:42</c>): it knows which entries depend on it and invalidates exactly
/// those.
/// </summary>
internal interface ITagGrain : IGrainWithStringKey
{
    /// <summary>
    /// Removes every live entry carrying the tag, voiding their leases, and clears the tag's registrations.
    /// Idempotent: invalidating again finds nothing.
    /// </summary>
    /// <returns>How many entries were removed.</returns>
    Task<long> InvalidateAsync();
}
