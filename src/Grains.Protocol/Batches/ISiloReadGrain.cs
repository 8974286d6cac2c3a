using System.ComponentModel;
using Orleans.Concurrency;

namespace CacheCluster;

/// <summary>
/// Coalesced single-key reads routed to one silo: one activation per silo (its key is the silo's address, in its
/// parsable form), so that a client sends each batch to the silo that holds its keys' entry activations and every key
/// is read from that silo's active records with no grain call.
/// </summary>
/// <remarks>
/// <para>Wire protocol between CacheCluster's client and silos; not for application code.</para>
/// <para>
/// A key not active on the silo (never read, moved, collected) is still answered, through its entry grain, and its
/// <see cref="SiloReads.Here"/> flag tells the client to stop sending it there, and <see cref="SiloReads.Elsewhere"/>
/// names the silo it is active on when the answering silo knows it. One key's error is its own answer.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISiloReadGrain : IGrainWithStringKey
{
    /// <summary>Reads each key, registering <paramref name="tracker"/> (a near cache) with the entries found when given.</summary>
    /// <param name="keys">The keys, at most <see cref="ICacheBatchGrain.MaxKeys"/>.</param>
    /// <param name="tracker">The reader's near cache, or <see langword="null"/> for untracked reads.</param>
    /// <returns>Each key's read in order, and whether its entry is active on this silo or, when known, on which other.</returns>
    Task<SiloReads> GetManyAsync([Immutable] string[] keys, INearCacheObserver? tracker);
}
