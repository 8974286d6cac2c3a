using System.Diagnostics.CodeAnalysis;
using CacheCluster.Entries;

namespace CacheCluster.Invalidation;

/// <summary>
/// The entry activations of this silo by key, for batch removals (<see cref="SiloInvalidationGrain"/>) and for forgetting
/// a gone client's trackers: the silo's <see cref="EntryReadView"/>, so that an active entry costs one map slot, not two.
/// An activation is in it once <c>OnActivateAsync</c> has loaded its record and until it starts to deactivate; one that
/// is leaving is not found, and its key takes the ordinary grain call (which waits for, or makes, the next activation).
/// </summary>
internal sealed class LocalEntries(EntryReadView view)
{
    /// <summary>Gets how many activations are known.</summary>
    public int Count => view.Count;

    /// <summary>The activation of <paramref name="key"/> on this silo, if it is active here.</summary>
    public bool TryGet(string key, [NotNullWhen(true)] out IGrainContext? context, [NotNullWhen(true)] out CacheEntryGrain? grain)
    {
        if (view.EntryOf(key) is { } entry && entry.GrainContext is { Deactivated.IsCompleted: false } active)
        {
            context = active;
            grain = entry;
            return true;
        }

        context = null;
        grain = null;
        return false;
    }

    /// <summary>Every activation known now (a snapshot: some may be leaving).</summary>
    public IEnumerable<IGrainContext> All => view.Entries.Select(static entry => entry.GrainContext);
}
