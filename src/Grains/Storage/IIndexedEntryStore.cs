using CacheCluster.Entries;

namespace CacheCluster.Storage;

/// <summary>
/// A store that keeps the tag and key indexes itself, so that a write or delete and its registrations are one atomic
/// step (one round trip to Redis instead of up to three).
/// </summary>
internal interface IIndexedEntryStore : IEntryStore
{
    /// <summary>
    /// Stores <paramref name="record"/> if the stored version is <paramref name="expectedVersion"/> and, in the same
    /// step, registers the key under <paramref name="tags"/> and, when given, key index <paramref name="keyIndexPartition"/>,
    /// scored by the record's hard expiry, and leaves <paramref name="droppedTags"/>.
    /// </summary>
    /// <returns><see langword="false"/> if the fence failed: nothing was written or registered.</returns>
    Task<bool> WriteIndexedAsync(string key, EntryRecord record, long expectedVersion, TimeSpan? timeToLive, IReadOnlyCollection<string> tags, string? keyIndexPartition, IReadOnlyCollection<string> droppedTags, DateTimeOffset now);

    /// <summary>
    /// Removes the record if the stored version is <paramref name="expectedVersion"/> and, in the same step, the key's
    /// registrations under <paramref name="tags"/> and key index <paramref name="keyIndexPartition"/>.
    /// </summary>
    /// <returns><see langword="false"/> if the fence failed: nothing was removed.</returns>
    Task<bool> DeleteIndexedAsync(string key, long expectedVersion, IReadOnlyCollection<string> tags, string keyIndexPartition);
}
