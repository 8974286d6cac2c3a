using System.Diagnostics.CodeAnalysis;
using CacheCluster.Invalidation;
using CacheCluster.Storage;

namespace CacheCluster.Entries;

/// <summary>
/// Batch removal (<see cref="SiloInvalidationGrain"/>): the silo removes many of its activations' records from the store in
/// one pipelined call, fenced on each record's version, and then clears each activation on its own scheduler, without a
/// grain call. A write that lands after the store removal finds the fence moved, reloads and survives; a record written
/// since is never dropped (<see cref="TryDropRemoved"/> checks the version on the grain's scheduler).
/// </summary>
internal sealed partial class CacheEntryGrain : IEntryRemovalTarget
{
    /// <summary>
    /// Off the grain's scheduler: the store change that removes the record now held, if it can be removed in a batch (a
    /// live record, carrying <paramref name="tag"/> when given, no lease, nothing queued behind, not leaving). Anything else
    /// takes the ordinary grain call.
    /// </summary>
    internal bool TryPrepareRemoval(string? tag, DateTimeOffset now, [NotNullWhen(true)] out EntryChange? change)
    {
        change = null;
        var record = _record;
        if (_keyError is not null
            || record is null
            || record.IsExpiredAt(now)
            || _lease is not null
            || Volatile.Read(ref _evicting) != 0
            || _writeBehindEntry is { IsClean: false }
            || (tag is not null && !record.Tags.Contains(tag, StringComparer.Ordinal)))
        {
            return false;
        }

        change = EntryChanges.Between(_key, record, null, now);
        return true;
    }

    /// <summary>
    /// On the grain's scheduler (a work item between turns' steps, not a call): lets go of the record at
    /// <paramref name="version"/> the store removed, as a delete would, telling trackers through the silo's batch.
    /// </summary>
    /// <returns><see langword="false"/> if the activation holds another record now, or changes queued behind it.</returns>
    internal bool TryDropRemoved(long version, string? cause)
    {
        if (_record is not { } record || record.Version != version || _writeBehindEntry is { IsClean: false })
        {
            return false;
        }

        _waitState?.HandOff = null;
        SetRecord(null);
        Metrics.Write("Delete");
        if (cause is not null)
        {
            WaitState.LastInvalidation = cause;
            WaitState.LastInvalidatedAt = Clock.GetUtcNow();
        }

        if (_lease is not null)
        {
            OnEntryWritten(fillToken: 0);
        }

        return true;
    }

    async Task<bool> IEntryRemovalTarget.DropRemovedAsync(long version)
    {
        // Queued write-behind changes first: they were fenced on the removed version, so the store refuses them and the
        // activation reloads what the store has.
        if (_writeBehindEntry is not null)
        {
            try
            {
                await CatchUpWriteBehindAsync("Invalidate");
            }
            catch (CacheStorageException)
            {
                return false;
            }
        }

        return TryDropRemoved(version, InvalidationCause.Current);
    }
}
