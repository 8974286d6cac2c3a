using CacheCluster.Entries;

namespace CacheCluster.Storage;

/// <summary>
/// Where entries live beyond an activation: Redis in Redis mode, process memory in embedded mode. The store keeps the
/// tag and key indexes too, so that a write or delete and its registrations are one atomic step (one round trip to
/// Redis instead of up to three).
/// </summary>
/// <remarks>
/// Writes are fenced on the version the writer last saw, so that a stale duplicate activation (possible while
/// membership changes) can never overwrite a newer write. <c>expectedVersion</c> 0 means "the key must be absent".
/// </remarks>
internal interface IEntryStore
{
    /// <summary>Reads the stored record, which may be past its hard expiry by the cache clock.</summary>
    Task<EntryRecord?> ReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="record"/> if the stored version is <paramref name="expectedVersion"/>, leaving the
    /// indexes as they are.
    /// </summary>
    /// <param name="key">The cache key.</param>
    /// <param name="record">The new record.</param>
    /// <param name="expectedVersion">The version the writer last saw, or 0 for "absent".</param>
    /// <param name="timeToLive">The time until the record's hard expiry, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the wait, not necessarily the write.</param>
    /// <returns><see langword="false"/> if the fence failed and nothing was written.</returns>
    Task<bool> WriteAsync(string key, EntryRecord record, long expectedVersion, TimeSpan? timeToLive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores <paramref name="record"/> if the stored version is <paramref name="expectedVersion"/> and, in the same
    /// step, registers the key under <paramref name="tags"/> and, when given, key index <paramref name="keyIndexPartition"/>,
    /// scored by the record's hard expiry, and leaves <paramref name="droppedTags"/>.
    /// </summary>
    /// <returns><see langword="false"/> if the fence failed: nothing was written or registered.</returns>
    Task<bool> WriteIndexedAsync(string key, EntryRecord record, long expectedVersion, TimeSpan? timeToLive, IReadOnlyCollection<string> tags, string? keyIndexPartition, IReadOnlyCollection<string> droppedTags, DateTimeOffset now);

    /// <summary>Removes the record if the stored version is <paramref name="expectedVersion"/>, leaving the indexes as they are.</summary>
    /// <returns><see langword="false"/> if the fence failed and nothing was removed.</returns>
    Task<bool> DeleteAsync(string key, long expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the record if the stored version is <paramref name="expectedVersion"/> and, in the same step, the key's
    /// registrations under <paramref name="tags"/> and key index <paramref name="keyIndexPartition"/>.
    /// </summary>
    /// <returns><see langword="false"/> if the fence failed: nothing was removed.</returns>
    Task<bool> DeleteIndexedAsync(string key, long expectedVersion, IReadOnlyCollection<string> tags, string keyIndexPartition);

    /// <summary>
    /// Runs many fenced changes together: in Redis, as one batch of script calls sent at once (one round trip for
    /// hundreds of keys). Each change keeps its own fence and its own answer.
    /// </summary>
    /// <returns>For each change, in order: <see langword="false"/> if its fence failed and nothing was done.</returns>
    Task<bool>[] CommitMany(IReadOnlyList<EntryChange> changes)
    {
        var results = new Task<bool>[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            results[i] = change.Record is null
                ? DeleteIndexedAsync(change.Key, change.ExpectedVersion, change.Tags, change.KeyIndexPartition!)
                : WriteIndexedAsync(change.Key, change.Record, change.ExpectedVersion, change.TimeToLive, change.Tags, change.KeyIndexPartition, change.DroppedTags, change.Now);
        }

        return results;
    }
}
