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

/// <summary>
/// Every key, spread over <see cref="Partitions"/> partitions by a hash of the key, for pattern invalidation without
/// scanning the store's keyspace.
/// </summary>
internal interface IKeyIndex : ITagIndex
{
    public const int Partitions = IKeyIndexGrain.Partitions;

    /// <summary>
    /// Lists, in the index's order (UTF-8 bytes in Redis, ordinal in memory), up to <paramref name="limit"/> keys of
    /// <paramref name="partition"/> that start with <paramref name="prefix"/>, sort after <paramref name="after"/> and
    /// are not expired at <paramref name="now"/>. Costs O(log N + what it returns), not a read of the partition.
    /// </summary>
    /// <param name="partition">The partition.</param>
    /// <param name="prefix">The literal prefix every key listed starts with; empty for every key.</param>
    /// <param name="after">Where the previous page stopped (exclusive), or <see langword="null"/>.</param>
    /// <param name="limit">The most keys to list.</param>
    /// <param name="now">The cache clock's time.</param>
    Task<IReadOnlyList<string>> RangeAsync(string partition, string prefix, string? after, int limit, DateTimeOffset now);

    public static string PartitionOf(string key) =>
        (System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(key)) % Partitions).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
