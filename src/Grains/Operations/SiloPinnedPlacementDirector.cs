using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace CacheCluster.Operations;

/// <summary>
/// Activates a <see cref="SiloPinnedPlacementStrategy"/> grain on the silo its key names, and refuses when that silo is not a
/// compatible, live one, so that a call meant for one silo never runs on another.
/// </summary>
internal sealed class SiloPinnedPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = target.GrainIdentity.Key.ToString() ?? string.Empty;
        var silo = SiloAddress.FromParsableString(key);
        if (!context.GetCompatibleSilos(target).Contains(silo))
        {
            throw new OrleansException($"Silo {key} is not an active silo that can host {target.GrainIdentity.Type}.");
        }

        return Task.FromResult(silo);
    }
}
