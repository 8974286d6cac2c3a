// Shared source: compiled as an internal copy into each project that calls entry grains by key (Client, Grains, Http),
// in its own namespace, so a project that sees two copies (the tests) is not left with two equal names.
#if CACHECLUSTER_CLIENT
namespace CacheCluster.Internal;
#else
namespace CacheCluster.Entries;
#endif

/// <summary>
/// Makes references to entry grains without Orleans' per-call type resolution. <c>GetGrain&lt;T&gt;(string)</c> resolves
/// the interface's <see cref="GrainInterfaceType"/> from its custom attributes on every call (about an eighth of the
/// client's CPU per read in S1, issue 18); the grain type and the interface type are the same for every key and every
/// silo or client of the process, so they are taken from the first reference and each later one is made from its
/// <see cref="GrainId"/> directly.
/// </summary>
internal static class EntryGrainReferences
{
    private static Types? s_types;

    /// <summary>The entry grain of <paramref name="key"/>, a key <see cref="CacheKey.Validate"/> accepted.</summary>
    /// <param name="grains">The client's or silo's grain factory.</param>
    /// <param name="key">The cache key.</param>
    /// <returns>The grain reference.</returns>
    public static ICacheEntryGrain Get(IGrainFactory grains, string key)
    {
        // A factory that is not Orleans' own (a test's stand-in) gets the ordinary call.
        if (Volatile.Read(ref s_types) is { } types
            && grains.GetGrain(GrainId.Create(types.Grain, IdSpan.Create(key)), types.Interface) is ICacheEntryGrain made)
        {
            return made;
        }

        var grain = grains.GetGrain<ICacheEntryGrain>(key);
        if (grain is GrainReference reference)
        {
            Volatile.Write(ref s_types, new Types(reference.GrainId.Type, reference.InterfaceType));
        }

        return grain;
    }

    private sealed record Types(GrainType Grain, GrainInterfaceType Interface);
}
