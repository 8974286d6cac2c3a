using System.ComponentModel;
using System.IO.Hashing;
using System.Text;

namespace CacheCluster;

/// <summary>Which invalidation stream partition an entity's events go to.</summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InvalidationPartitions
{
    /// <summary>The stream partition of <paramref name="entity"/> (such as <c>user:42</c>).</summary>
    /// <param name="entity">The entity.</param>
    /// <returns>A partition from 0 to <see cref="IInvalidationStreamGrain.Partitions"/> − 1.</returns>
    public static int Of(string entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return (int)(XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(entity)) % IInvalidationStreamGrain.Partitions);
    }

    /// <summary>The stream partition for a direct invalidation: that of its first key, tag or pattern.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="tags">The tags.</param>
    /// <param name="patterns">The patterns.</param>
    /// <returns>The partition.</returns>
    public static int Of(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(patterns);
        return Of(keys.Count > 0 ? keys[0] : tags.Count > 0 ? tags[0] : patterns.Count > 0 ? patterns[0] : string.Empty);
    }
}
