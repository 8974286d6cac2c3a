namespace CacheCluster.Invalidation;

/// <summary>
/// Which keys carry a tag. Only an entry's own grain adds or removes its key, so registrations stay consistent per
/// key; expired registrations are pruned as the tag is used, and a tag's index expires after its last entry.
/// </summary>
internal interface ITagIndex
{
    /// <summary>Registers <paramref name="key"/> under each tag, valid until <paramref name="expiresAt"/> (null: no expiry).</summary>
    Task AddAsync(IReadOnlyCollection<string> tags, string key, DateTimeOffset? expiresAt, DateTimeOffset now);

    Task RemoveAsync(IReadOnlyCollection<string> tags, string key);

    /// <summary>Lists the keys registered under <paramref name="tag"/> and not expired at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<string>> MembersAsync(string tag, DateTimeOffset now);
}
