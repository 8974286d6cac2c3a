using CacheCluster.Entries;
using CacheCluster.Storage;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Batches;

/// <summary>
/// Batch sets. A plain set of a key whose activation is on this silo is prepared on the activation's record, stored with
/// the batch's other such sets in one pipelined <see cref="IEntryStore.CommitMany"/> (each fenced on the version its
/// activation holds), and applied on the activation's own scheduler, with no grain call; it is acknowledged once both
/// are done. Any other write takes the entry grain call, as before: a key not active here (it is activated by the call,
/// so the next batch finds it), a fill, a key with a lease out or write-behind changes queued, a write-behind set, and a
/// set whose fence was lost to a racing write (the call then applies it after that write, as a later single set would).
/// </summary>
internal sealed partial class CacheBatchGrain
{
    public async Task<CacheBatchAnswer<CacheWriteResult>[]> SetManyAsync(CacheBatchWrite[] writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        CheckSize(writes.Length, "SetMany");
        var answers = new CacheBatchAnswer<CacheWriteResult>[writes.Length];
        var now = clock.GetUtcNow();
        List<LocalSet>? local = null;
        List<Task>? calls = null;
        for (var i = 0; i < writes.Length; i++)
        {
            if (writes[i] is { LeaseToken: 0, Key: { } key } write
                && readView.EntryOf(key) is { } grain
                && grain.GrainContext is { Deactivated.IsCompleted: false } context)
            {
                try
                {
                    if (grain.TryPrepareBatchSet(write.Value, write.Options, now, out var change, out var created))
                    {
                        (local ??= []).Add(new LocalSet(i, grain, context, change, created));
                        continue;
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Bad input (a value too large, invalid options): this item alone fails, with the grain call's typed error.
                    answers[i] = new CacheBatchAnswer<CacheWriteResult>(default, ex);
                    continue;
                }
            }

            (calls ??= []).Add(SetByCallAsync(writes, answers, i));
        }

        if (local is not null)
        {
            await SetLocalAsync(writes, answers, local);
        }

        if (calls is not null)
        {
            await Task.WhenAll(calls);
        }

        return answers;
    }

    /// <summary>
    /// Stores the prepared sets in one pipelined call, then applies each on its activation; a set the store refused
    /// (a racing write moved the fence) or could not take goes on to the grain call.
    /// </summary>
    private async Task SetLocalAsync(CacheBatchWrite[] writes, CacheBatchAnswer<CacheWriteResult>[] answers, List<LocalSet> local)
    {
        var changes = new EntryChange[local.Count];
        for (var j = 0; j < local.Count; j++)
        {
            changes[j] = local[j].Change;
        }

        var commits = store.CommitMany(changes);
        var applied = new List<Task>(local.Count);
        List<Task>? retried = null;
        for (var j = 0; j < local.Count; j++)
        {
            var set = local[j];
            bool stored;
            try
            {
                stored = await commits[j];
            }
            catch (CacheStorageException ex)
            {
                LogDebugBatchSetFailed(ex);
                stored = false;
            }

            if (stored)
            {
                applied.Add(ApplyAsync(answers, set));
            }
            else
            {
                CacheEntryGrain.DiscardBatchSet(set.Change);
                (retried ??= []).Add(SetByCallAsync(writes, answers, set.Index));
            }
        }

        await Task.WhenAll(applied);
        if (retried is not null)
        {
            await Task.WhenAll(retried);
        }
    }

    /// <summary>
    /// Applies a stored set on its activation's scheduler, between its turns' steps. The store has the record either
    /// way, so the answer is the stored version even if the activation has moved on (it holds that version or a newer
    /// one, or is leaving: then the next activation catches up, in case it loaded the older record first).
    /// </summary>
    private async Task ApplyAsync(CacheBatchAnswer<CacheWriteResult>[] answers, LocalSet set)
    {
        if (!await ActivationWork.RunAsync(set.Context, () => set.Grain.ApplyBatchSet(set.Change), failed: false) && set.Grain.HasLeft)
        {
            // The key's next activation may have loaded the older record before the store took this one.
            try
            {
                await GrainFactory.GetGrain<IEntryBatchTarget>(set.Change.Key).CatchUpAsync(set.Change.Record!.Version);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The store has the record: the set stands, and the activation reloads at its next write.
                LogDebugBatchSetCatchUpFailed(ex);
            }
        }

        var outcome = set.Created ? CacheWriteOutcome.Created : CacheWriteOutcome.Replaced;
        answers[set.Index] = new CacheBatchAnswer<CacheWriteResult>(new CacheWriteResult(outcome, set.Change.Record!.Version), null);
    }

    private async Task SetByCallAsync(CacheBatchWrite[] writes, CacheBatchAnswer<CacheWriteResult>[] answers, int index) =>
        answers[index] = await AnswerAsync(writes[index]?.Key!, index, (grain, i) => writes[i].LeaseToken == 0
            ? grain.SetAsync(writes[i].Value, writes[i].Options, CacheWriteCondition.Always)
            : grain.FillAsync(writes[i].LeaseToken, writes[i].Value, writes[i].Options));

    [LoggerMessage(1046, LogLevel.Debug, "A batch set's store call failed; its keys are set one by one")]
    private partial void LogDebugBatchSetFailed(Exception exception);

    [LoggerMessage(1047, LogLevel.Debug, "A batch set's key moved to a new activation that could not be asked to catch up")]
    private partial void LogDebugBatchSetCatchUpFailed(Exception exception);

    /// <summary>One prepared set: its place in the batch, its activation and the store change.</summary>
    private sealed record LocalSet(int Index, CacheEntryGrain Grain, IGrainContext Context, EntryChange Change, bool Created);
}
