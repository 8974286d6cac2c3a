using System.ComponentModel;
using Orleans.Concurrency;

namespace CacheCluster;

/// <summary>
/// Coalesced single-key reads answered by the silo that receives them: a stateless worker, activated on the silo whose
/// gateway a client's call arrives at (Orleans binds each grain id to one of the client's gateways and keeps it until its
/// connection fails), so that no silo forwards the batch. Its key is a small number (below <see cref="WorkerKeys"/>); a
/// client learns from the answers (<see cref="SiloReads.Silo"/>) which key reaches which silo, and sends each batch with
/// a key that reaches the silo holding its keys' entry activations, where every key is read with no grain call.
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
public interface ISiloReadGrain : IGrainWithIntegerKey
{
    /// <summary>How many keys a client spreads its batches over (0 to this, exclusive): enough that some reach every gateway.</summary>
    const int WorkerKeys = 64;

    /// <summary>Reads each key, registering <paramref name="tracker"/> (a near cache) with the entries found when given.</summary>
    /// <param name="keys">The keys, at most <see cref="ICacheBatchGrain.MaxKeys"/>.</param>
    /// <param name="tracker">The reader's near cache, or <see langword="null"/> for untracked reads.</param>
    /// <returns>Each key's read in order, and whether its entry is active on this silo or, when known, on which other.</returns>
    Task<SiloReads> GetManyAsync([Immutable] string[] keys, INearCacheObserver? tracker);
}
