using CacheCluster.Entries;
using CacheCluster.Hosting;
using CacheCluster.Operations;
using CacheCluster.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace CacheCluster.Invalidation;

/// <summary>
/// Batch removal on one silo (<see cref="SiloPinnedPlacementAttribute"/>). For the keys active here it removes the records
/// from the store in one pipelined call, each fenced on the version its activation holds, then clears each activation on
/// its own scheduler and sends each near cache one notice for the batch (<see cref="NearCacheNotices"/>). A key whose
/// activation cannot be cleared that way (a lease out, write-behind changes queued, a fence lost to a racing write) takes
/// the ordinary grain call, which removes it or leaves the newer write, as a single removal does.
/// </summary>
[SiloPinnedPlacement]
[Reentrant]
internal sealed partial class SiloInvalidationGrain(
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
    TimeProvider runtimeClock,
    IEntryStore store,
    LocalEntries entries,
    NearCacheNotices notices,
    ILogger<SiloInvalidationGrain> logger) : Grain, ISiloInvalidationGrain
{
    /// <summary>How long a tracker of a dropped client may take to answer before the client counts as gone.</summary>
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(10);

    public async Task<SiloRemoval> RemoveAsync(string[] keys, string? tag)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var now = clock.GetUtcNow();
        var cause = InvalidationCause.Current;
        var claimed = new List<int>();
        var batch = new List<(CacheEntryGrain Grain, IGrainContext Context, EntryChange Change)>();
        var single = new List<string>();
        for (var i = 0; i < keys.Length; i++)
        {
            if (!entries.TryGet(keys[i], out var context, out var grain))
            {
                continue;
            }

            claimed.Add(i);
            if (grain.TryPrepareRemoval(tag, now, out var change))
            {
                batch.Add((grain, context, change));
            }
            else
            {
                single.Add(keys[i]);
            }
        }

        // One pipelined call for the group; each change keeps its own fence and answer.
        var commits = store.CommitMany([.. batch.Select(b => b.Change)]);
        long removed = 0;
        var dropped = new List<(int Index, Task<bool> Dropped)>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            bool stored;
            try
            {
                stored = await commits[i];
            }
            catch (CacheStorageException ex)
            {
                LogDebugBatchRemovalFailed(ex);
                stored = false;
            }

            if (!stored)
            {
                single.Add(batch[i].Change.Key);
            }
        }

        // The activations let go on their own schedulers; near caches hear once per client for the whole batch.
        using (notices.Hold())
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (!commits[i].IsCompletedSuccessfully || !commits[i].Result)
                {
                    continue;
                }

                removed++;
                var (grain, context, change) = batch[i];
                dropped.Add((i, ActivationWork.RunAsync(context, () => grain.TryDropRemoved(change.ExpectedVersion, cause), failed: false)));
            }

            await Task.WhenAll(dropped.Select(d => d.Dropped));
        }

        // An activation that moved on meanwhile (a write, a deactivation) settles it in a call of its own; the store
        // removal stands either way.
        var settled = Task.WhenAll(dropped.Where(d => !d.Dropped.Result)
            .Select(d => GrainFactory.GetGrain<IEntryRemovalTarget>(batch[d.Index].Change.Key).DropRemovedAsync(batch[d.Index].Change.ExpectedVersion)));
        var singles = await Task.WhenAll(single.Select(key => RemoveOneAsync(key, tag)));
        await settled;
        removed += singles.Count(static r => r);
        return new SiloRemoval(removed, [.. claimed]);
    }

    public async Task<int> ForgetClientAsync(GrainId client)
    {
        // A client that said it was stopping is told nothing already: no ping to it (a dead client's ping only fails
        // through Orleans' placement retries), no sweep.
        if (notices.IsClientGone(client))
        {
            return 0;
        }

        // A rare event (a client gone for the gateway's drop timeout), so one pass over the silo's activations is fine.
        var tracking = entries.All.Where(c => c.GrainInstance is CacheEntryGrain { HasTrackers: true }).ToList();
        if (tracking.Count == 0)
        {
            return 0;
        }

        // The client may still be connected through another gateway: a tracker of it must stop answering first.
        var observer = await FindTrackerAsync(tracking, client);
        if (observer is null)
        {
            return 0;
        }

        try
        {
            await observer.PingAsync().WaitAsync(PingTimeout, runtimeClock);
            return 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogInformationClientGone(client.ToString());
        }

        notices.ForgetClient(client);
        await Task.WhenAll(tracking.Select(context =>
        {
            var grain = (CacheEntryGrain)context.GrainInstance!;
            return ActivationWork.RunAsync(context, () => grain.ForgetTrackersOf(client), failed: 0);
        }));
        return tracking.Count;
    }

    private static async Task<INearCacheObserver?> FindTrackerAsync(List<IGrainContext> tracking, GrainId client)
    {
        var answers = tracking.Select(context =>
        {
            var grain = (CacheEntryGrain)context.GrainInstance!;
            return ActivationWork.RunAsync<INearCacheObserver?>(context, () => grain.TrackerOf(client), failed: null);
        });
        return (await Task.WhenAll(answers)).FirstOrDefault(static o => o is not null);
    }

    private async Task<bool> RemoveOneAsync(string key, string? tag)
    {
        var grain = EntryGrainReferences.Get(GrainFactory, key);
        return tag is null ? await grain.DeleteAsync() : await grain.InvalidateTagAsync(tag);
    }

    [LoggerMessage(1042, LogLevel.Debug, "A batch removal's store call failed; its keys are removed one by one")]
    private partial void LogDebugBatchRemovalFailed(Exception exception);

    [LoggerMessage(1043, LogLevel.Information, "Near-cache client {Client} was dropped and does not answer: its trackers are forgotten")]
    private partial void LogInformationClientGone(string client);
}
