using CacheCluster.Hosting;

namespace CacheCluster.Invalidation;

/// <summary>
/// Removing keys, the entries of tags and the keys matching patterns: entry grains for keys, tag grains for tags, every
/// key index partition for patterns. Direct invalidations (<see cref="IInvalidationPublisherGrain.InvalidateAsync"/>)
/// check the whole request first; the stream's fan-out removes an event's resolved targets through the same code.
/// </summary>
internal static class InvalidationRemoval
{
    /// <summary>The most keys, tags or patterns one direct invalidation may name, each.</summary>
    public const int MaxItems = 1000;

    /// <summary>Checks a direct invalidation as a whole, so that nothing is removed when any part of it is wrong.</summary>
    /// <exception cref="InvalidCacheKeyException">A key is invalid.</exception>
    /// <exception cref="InvalidCacheOptionsException">A tag or pattern is invalid, or a pattern has no literal prefix without <paramref name="allowAll"/>.</exception>
    /// <exception cref="InvalidCacheRequestException">Too many keys, tags or patterns, or more distinct patterns than <paramref name="maxPatterns"/>.</exception>
    public static void Validate(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns, bool allowAll, int maxKeyBytes, int maxPatterns = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(patterns);
        if (keys.Count > MaxItems || tags.Count > MaxItems || patterns.Count > MaxItems)
        {
            throw new InvalidCacheRequestException($"One request names at most {MaxItems} keys, {MaxItems} tags and {MaxItems} patterns.");
        }

        // The work budget: each pattern reads its literal prefix's range of every partition (the whole partition when
        // unanchored) and is matched against what it reads.
        var distinctPatterns = patterns.Distinct(StringComparer.Ordinal).Count();
        if (distinctPatterns > maxPatterns)
        {
            throw new InvalidCacheRequestException(
                $"One request names at most {maxPatterns} distinct patterns (was {distinctPatterns}); the limit is {CacheClusterOptions.SectionName}:Invalidation:{nameof(InvalidationOptions.MaxPatternsPerRequest)}.");
        }

        foreach (var key in keys)
        {
            CacheKey.Validate(key, maxKeyBytes);
        }

        foreach (var tag in tags)
        {
            CacheKey.ValidateTag(tag);
        }

        foreach (var pattern in patterns)
        {
            if (CacheKeyPattern.Parse(pattern).IsUnanchored && !allowAll)
            {
                throw new InvalidCacheOptionsException($"The pattern '{pattern}' has no literal prefix, so it may clear every key; pass allowAll: true to do that.");
            }
        }
    }

    /// <summary>Removes the targets, all at once; idempotent, so an interrupted removal can simply run again.</summary>
    /// <param name="grains">The grain factory.</param>
    /// <param name="keys">The keys.</param>
    /// <param name="tags">The tags.</param>
    /// <param name="patterns">The globs, matched in one read of each key index partition.</param>
    /// <param name="allowAll">Whether a pattern without literal prefix is allowed.</param>
    /// <param name="ruleDriven">True for an event's targets: its patterns do not wait behind an operator's request.</param>
    /// <returns>How many entries were removed in all.</returns>
    public static async Task<long> RemoveAsync(IGrainFactory grains, IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns, bool allowAll, bool ruleDriven = false)
    {
        var work = new List<Task<long>>(keys.Count + tags.Count + patterns.Count);
        foreach (var key in keys.Distinct(StringComparer.Ordinal))
        {
            work.Add(RemoveKeyAsync(grains, key));
        }

        foreach (var tag in tags.Distinct(StringComparer.Ordinal))
        {
            work.Add(grains.GetGrain<ITagGrain>(tag).InvalidateAsync());
        }

        if (patterns.Count > 0)
        {
            work.Add(grains.InvalidatePatternsAsync([.. patterns.Distinct(StringComparer.Ordinal)], allowAll, ruleDriven));
        }

        return (await Task.WhenAll(work)).Sum();
    }

    private static async Task<long> RemoveKeyAsync(IGrainFactory grains, string key) => await grains.GetGrain<ICacheEntryGrain>(key).DeleteAsync() ? 1 : 0;
}
