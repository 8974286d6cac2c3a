using CacheCluster.Entries;

namespace CacheCluster.Batches;

/// <summary>
/// The one loop of a batch get over the silo's <see cref="EntryReadView"/>, for <see cref="CacheBatchGrain"/> and
/// <see cref="SiloReadGrain"/>: a plain get of a key the view holds is answered from it with no grain call; any other
/// key (a tracked read, a key active elsewhere or nowhere, one the view sends back) is a call to its entry grain, all
/// made at once. Each key gets its own answer, result or error, in the order of the keys.
/// </summary>
internal static class BatchViewReads
{
    /// <summary>Answers <paramref name="keys"/>: at once when the view answered every one, else once every grain call has.</summary>
    /// <param name="grainFactory">The calling grain's factory, for the entry grain calls.</param>
    /// <param name="readView">This silo's read view.</param>
    /// <param name="maxKeyBytes">This silo's key limit, checked before a grain call.</param>
    /// <param name="keys">The keys (the caller has checked the batch size).</param>
    /// <param name="tracker">The near cache to track the reads for: each is then a grain call (only the grain tracks).</param>
    /// <param name="here">
    /// When not <see langword="null"/>, set per key to whether the key's entry is active on this silo after its answer
    /// (false for a failed call).
    /// </param>
    public static Task<CacheBatchAnswer<CacheTrackedRead>[]> GetManyAsync(
        IGrainFactory grainFactory,
        EntryReadView readView,
        int maxKeyBytes,
        string[] keys,
        INearCacheObserver? tracker,
        bool[]? here)
    {
        var answers = new CacheBatchAnswer<CacheTrackedRead>[keys.Length];
        List<Task>? calls = null;
        for (var i = 0; i < keys.Length; i++)
        {
            // A key in the view passed the entry grain's own validation, with this silo's limits: no need to check it again.
            if (tracker is null && keys[i] is { } key && readView.TryGet(key) is { } read)
            {
                answers[i] = new CacheBatchAnswer<CacheTrackedRead>(new CacheTrackedRead(read, Tracked: false), null);
                here?[i] = true;
            }
            else
            {
                (calls ??= []).Add(CallAsync(grainFactory, readView, maxKeyBytes, keys[i], tracker, answers, here, i));
            }
        }

        return calls is null ? Task.FromResult(answers) : WhenAllAsync(calls, answers);
    }

    private static async Task<CacheBatchAnswer<CacheTrackedRead>[]> WhenAllAsync(List<Task> calls, CacheBatchAnswer<CacheTrackedRead>[] answers)
    {
        await Task.WhenAll(calls);
        return answers;
    }

    /// <summary>One key through its entry grain (validated first: a key Orleans cannot address must not reach GetGrain).</summary>
    private static async Task CallAsync(
        IGrainFactory grainFactory,
        EntryReadView readView,
        int maxKeyBytes,
        string key,
        INearCacheObserver? tracker,
        CacheBatchAnswer<CacheTrackedRead>[] answers,
        bool[]? here,
        int index)
    {
        try
        {
            CacheKey.Validate(key, maxKeyBytes);
            var grain = EntryGrainReferences.Get(grainFactory, key);
            var read = tracker is null
                ? new CacheTrackedRead(await grain.GetAsync(), Tracked: false)
                : await grain.GetTrackedAsync(tracker);
            answers[index] = new CacheBatchAnswer<CacheTrackedRead>(read, null);
            here?[index] = readView.EntryOf(key) is not null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            answers[index] = new CacheBatchAnswer<CacheTrackedRead>(null, ex);
        }
    }
}
