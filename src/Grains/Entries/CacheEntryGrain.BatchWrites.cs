using System.Diagnostics.CodeAnalysis;
using CacheCluster.Batches;
using CacheCluster.Diagnostics;
using CacheCluster.Storage;

namespace CacheCluster.Entries;

/// <summary>
/// Batch sets (<see cref="CacheBatchGrain"/>): the silo stores many of its activations' new records in one pipelined
/// <see cref="IEntryStore.CommitMany"/>, each fenced on the version its activation holds, and then applies each on the
/// activation's own scheduler, without a grain call. A racing write of the same key meets the same fence: whichever
/// reaches the store second reloads (the grain) or takes the ordinary grain call (the batch), so neither is lost, and
/// the activation never takes a record older than the one it holds (<see cref="ApplyBatchSet"/>).
/// </summary>
internal sealed partial class CacheEntryGrain : IEntryBatchTarget
{
    /// <summary>
    /// Off the grain's scheduler: the store change that sets <paramref name="value"/>, if this set can go in a batch (no
    /// lease, nothing queued behind, not leaving, a stored write). Anything else takes the ordinary grain call. Checks
    /// the value and options as <c>SetAsync</c> does, and throws its typed errors.
    /// </summary>
    /// <returns><see langword="false"/> when the set must take the grain call.</returns>
    internal bool TryPrepareBatchSet(CacheValue value, CacheEntryOptions? entryOptions, DateTimeOffset now, [NotNullWhen(true)] out EntryChange? change, out bool created)
    {
        ArgumentNullException.ThrowIfNull(value);
        change = null;
        created = false;
        if (_keyError is not null
            || _leftView
            || _lease is not null
            || Volatile.Read(ref _evicting) != 0
            || _writeBehindEntry is { IsClean: false }
            || UsesWriteBehind(entryOptions?.Durability))
        {
            return false;
        }

        CheckValue(value.Data.Length, value.ContentType);
        entryOptions?.Validate();

        var stored = _record;
        var current = stored is not null && !stored.IsExpiredAt(now) ? stored : null;
        var next = NewRecord(current, now, CacheEntryKind.Value, value.Data, list: null, value.ContentType, entryOptions, keepExpiry: entryOptions?.KeepTimeToLive == true);

        // Held from before it is stored, as a single write holds it (see WriteAsync).
        next.TryHold();
        change = EntryChanges.Between(_key, stored, next, now);
        created = current is null;
        return true;
    }

    /// <summary>
    /// On the grain's scheduler (a work item between turns' steps, not a call), after the store took
    /// <paramref name="change"/>: makes its record the activation's, as an acknowledged set would, unless the activation
    /// already holds that version or a newer one (a racing write reloaded it), is leaving (the next activation loads it),
    /// or has write-behind changes queued (they were fenced on the older version: the store refuses them and the
    /// activation reloads).
    /// </summary>
    /// <returns>Whether the activation took the record.</returns>
    internal bool ApplyBatchSet(EntryChange change)
    {
        var next = change.Record!;
        if (_leftView || (_record?.Version ?? 0) >= next.Version || _writeBehindEntry is { IsClean: false })
        {
            next.Release();
            return false;
        }

        using var activity = StartWriteSpan("Set");
        _waitState?.HandOff = null;
        _lastUsed = next.LastUsed;
        SetRecord(next, held: true);
        Metrics.Write("Set");
        OnEntryWritten(fillToken: 0);
        activity?.Tag(CacheClusterTracing.Outcome, "written");
        CacheClusterEvents.Write(CacheClusterEvents.BatchSetApplied, _key);
        return true;
    }

    /// <summary>Gets whether the activation has started to leave: a batch's record it did not take goes to the next one.</summary>
    internal bool HasLeft => _leftView;

    async Task<bool> IEntryBatchTarget.CatchUpAsync(long version)
    {
        ThrowIfKeyInvalid("Set");
        if ((_record?.Version ?? 0) >= version || _writeBehindEntry is { IsClean: false })
        {
            return false;
        }

        SetRecord(await Store.ReadAsync(_key));
        return true;
    }

    /// <summary>Lets go of a prepared record the store did not take.</summary>
    internal static void DiscardBatchSet(EntryChange change) => change.Record?.Release();
}
