using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using CacheCluster.Entries;
using Orleans.Metadata;

namespace CacheCluster.Invalidation;

/// <summary>
/// The entry activations of this silo by key, for batch removals (<see cref="SiloInvalidationGrain"/>) and for forgetting
/// a gone client's trackers. An activation joins once <c>OnActivateAsync</c> has loaded its record and leaves when it is
/// deactivated (Orleans' grain lifecycle, configured for the entry grain type only: nothing per call).
/// </summary>
internal sealed class LocalEntries(GrainClassMap grainClasses) : IConfigureGrainContextProvider, IConfigureGrainContext
{
    private const string ObserverName = "cachecluster.local-entries";

    private readonly ConcurrentDictionary<string, IGrainContext> _entries = new(StringComparer.Ordinal);

    /// <summary>Gets how many activations are known.</summary>
    public int Count => _entries.Count;

    /// <summary>The activation of <paramref name="key"/> on this silo, if it is active here.</summary>
    public bool TryGet(string key, [NotNullWhen(true)] out IGrainContext? context, [NotNullWhen(true)] out CacheEntryGrain? grain)
    {
        if (_entries.TryGetValue(key, out context) && !context.Deactivated.IsCompleted && context.GrainInstance is CacheEntryGrain instance)
        {
            grain = instance;
            return true;
        }

        context = null;
        grain = null;
        return false;
    }

    /// <summary>Every activation known now (a snapshot: some may be leaving).</summary>
    public IEnumerable<IGrainContext> All => _entries.Values;

    bool IConfigureGrainContextProvider.TryGetConfigurator(GrainType grainType, GrainProperties properties, [NotNullWhen(true)] out IConfigureGrainContext? configurator)
    {
        configurator = grainClasses.TryGetGrainClass(grainType, out var grainClass) && grainClass == typeof(CacheEntryGrain) ? this : null;
        return configurator is not null;
    }

    void IConfigureGrainContext.Configure(IGrainContext context) =>
        context.ObservableLifecycle.Subscribe(
            ObserverName,
            GrainLifecycleStage.Activate + 1,
            _ =>
            {
                _entries[context.GrainId.Key.ToString()] = context;
                return Task.CompletedTask;
            },
            _ =>
            {
                _entries.TryRemove(new KeyValuePair<string, IGrainContext>(context.GrainId.Key.ToString(), context));
                return Task.CompletedTask;
            });
}
