using CacheCluster.Storage;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Entries;

/// <summary>
/// Write-behind (<see cref="CacheDurability.WriteBehind"/>, Redis mode only): the grain takes the write, acknowledges it,
/// and queues its key on the silo's <see cref="WriteBehindQueue"/>, which writes the key's latest state to Redis with
/// other keys' within the write delay, fenced on the version Redis has. A stored write first drains what is queued; a
/// write that joins a tag is always stored at once, so that tag invalidation reaches every acknowledged entry.
/// </summary>
internal sealed partial class CacheEntryGrain
{
    private WriteBehindEntry? _writeBehindEntry;

    /// <summary>Whether a write of <paramref name="durability"/> (null: the silo's) is acknowledged before the store has it.</summary>
    private bool UsesWriteBehind(CacheDurability? durability) =>
        Options.Redis is not null && (durability ?? Options.Durability) == CacheDurability.WriteBehind;

    /// <summary>Makes <paramref name="next"/> the activation's record and queues it for the store.</summary>
    private void QueueWrite(EntryRecord? stored, EntryRecord? next)
    {
        // Held from before it is queued, as a stored write holds it before it is stored.
        next?.TryHold();
        var entry = _writeBehindEntry ??= new WriteBehindEntry(_key);
        if (entry.Update(stored, next))
        {
            WriteBehind.Enqueue(entry);
        }

        SetRecord(next, held: true);
    }

    /// <summary>
    /// Before a stored write: writes what is queued, so that the store has the activation's record, and reloads the record
    /// if a queued change lost its fence to another activation.
    /// </summary>
    /// <exception cref="CacheStorageException">The store did not take the queued change (it stays queued).</exception>
    private async Task CatchUpWriteBehindAsync(string operation)
    {
        if (_writeBehindEntry is not { } entry)
        {
            return;
        }

        if (!entry.IsClean && !await WriteBehind.DrainAsync(entry, keepOnFailure: true))
        {
            throw new CacheStorageException($"The store did not take this entry's write-behind changes, so {operation} was not applied.")
            {
                Key = CacheKey.Describe(_key),
                Operation = operation,
            };
        }

        await ReloadIfFencedAsync();
    }

    /// <summary>Reloads the record when a queued change lost its fence: another activation's write stands in the store.</summary>
    private async Task ReloadIfFencedAsync()
    {
        if (_writeBehindEntry?.TakeConflict() == true)
        {
            LogWarningWriteBehindFenced(KeyHash);
            SetRecord(await Store.ReadAsync(_key));
        }
    }

    /// <summary>On deactivation: writes what is queued; what the store will not take is lost, and logged.</summary>
    private async Task DrainWriteBehindAsync()
    {
        if (_writeBehindEntry is { IsClean: false } entry && !await WriteBehind.DrainAsync(entry, keepOnFailure: false))
        {
            LogWarningWriteBehindLost(KeyHash);
        }
    }

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Entry {KeyHash} lost its write-behind changes to another activation's write; reloaded.")]
    private partial void LogWarningWriteBehindFenced(string keyHash);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Entry {KeyHash} deactivated with write-behind changes the store did not take; they are lost.")]
    private partial void LogWarningWriteBehindLost(string keyHash);
}
