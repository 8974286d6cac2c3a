using Orleans.Runtime;

namespace CacheCluster.Operations;

/// <summary>Places a grain on the silo its key names (a <see cref="SiloAddress"/> in its parsable form).</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.silo-pinned-placement")]
internal sealed class SiloPinnedPlacementStrategy : PlacementStrategy
{
    public static readonly SiloPinnedPlacementStrategy Instance = new();
}
