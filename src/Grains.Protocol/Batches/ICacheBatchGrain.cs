using Orleans.Concurrency;

namespace CacheCluster;

/// <summary>
/// Many keys in one message: a stateless worker on the silo that receives the call (a client's gateway, or the silo
/// serving HTTP) calls each key's entry grain, all at once, and answers every key in the order asked.
/// </summary>
/// <remarks>
/// <para>Wire protocol between CacheCluster's client and silos; not for application code.</para>
/// <para>
/// One key's error is its own answer: the other keys are still done. A batch over <see cref="MaxKeys"/> keys is
/// refused whole with an <see cref="InvalidCacheRequestException"/>.
/// </para>
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public interface ICacheBatchGrain : IGrainWithIntegerKey
{
    /// <summary>The most keys one batch call takes.</summary>
    const int MaxKeys = 1000;

    /// <summary>Reads each key, registering <paramref name="tracker"/> (a near cache) with the entries found when given.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="tracker">The reader's near cache, or <see langword="null"/> for untracked reads.</param>
    /// <returns>Each key's read, in order.</returns>
    Task<CacheBatchAnswer<CacheTrackedRead>[]> GetManyAsync(string[] keys, INearCacheObserver? tracker);

    /// <summary>Writes each value: unconditionally, or as a fill under its lease when the write carries a token.</summary>
    /// <param name="writes">The writes.</param>
    /// <returns>Each write's result, in order.</returns>
    Task<CacheBatchAnswer<CacheWriteResult>[]> SetManyAsync(CacheBatchWrite[] writes);

    /// <summary>Removes each key.</summary>
    /// <param name="keys">The keys.</param>
    /// <returns>Whether each key existed, in order.</returns>
    Task<CacheBatchAnswer<bool>[]> RemoveManyAsync(string[] keys);

    /// <summary>Looks each key up for fill (see <see cref="ICacheEntryGrain.GetOrLeaseAsync"/>), waiting for all of them at once.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="request">The wait and lease rules, the same for every key.</param>
    /// <returns>Each key's lookup, in order.</returns>
    Task<CacheBatchAnswer<CacheLookup>[]> GetOrLeaseManyAsync(string[] keys, CacheLeaseRequest request);

    /// <summary>Gives leases back without a value.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="leaseTokens">Each key's lease token, in the same order.</param>
    /// <param name="release">Failed or no value, the same for every key.</param>
    /// <param name="error">The source's error message for <see cref="CacheLeaseRelease.Failed"/>.</param>
    /// <param name="failSafeThrottle">How long refreshes of a stale value are held back after a failure.</param>
    /// <returns>Each key's answer, in order.</returns>
    Task<CacheBatchAnswer<bool>[]> ReleaseManyAsync(string[] keys, long[] leaseTokens, CacheLeaseRelease release, string? error, TimeSpan? failSafeThrottle);
}
