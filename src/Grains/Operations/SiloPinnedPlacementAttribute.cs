using Orleans.Placement;

namespace CacheCluster.Operations;

/// <summary>Marks a grain whose key names the silo it must run on.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
internal sealed class SiloPinnedPlacementAttribute() : PlacementAttribute(SiloPinnedPlacementStrategy.Instance);
