namespace CacheCluster.Invalidation;

/// <summary>What one silo did with a batch of keys (<see cref="ISiloInvalidationGrain.RemoveAsync"/>).</summary>
/// <param name="Removed">How many entries it removed.</param>
/// <param name="Claimed">The positions, in the batch, of the keys active on that silo: it saw to those.</param>
[GenerateSerializer, Immutable, Alias("cachecluster.silo-removal")]
internal sealed record SiloRemoval([property: Id(0)] long Removed, [property: Id(1)] int[] Claimed);
