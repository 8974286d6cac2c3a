using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Invalidation;

/// <summary>
/// A partition of the key index: matches its live keys against a glob and removes the matches, or lists them a bounded
/// page at a time (<see cref="IKeyScanGrain"/>). Only the range of a glob's literal prefix is read (<see cref="IKeyIndex.RangeAsync"/>).
/// </summary>
internal sealed class KeyIndexGrain([FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock, IKeyIndex index) : Grain, IKeyIndexGrain, IKeyScanGrain
{
    private const int FanOut = 4096;

    /// <summary>How many keys one read of a range returns at most.</summary>
    internal const int PageSize = 10_000;

    public Task<long> InvalidateAsync(IReadOnlyList<string> patterns, bool allowAll) => RemoveMatchesAsync(patterns, allowAll);

    public Task<long> InvalidateForRuleAsync(IReadOnlyList<string> patterns) => RemoveMatchesAsync(patterns, allowAll: false);

    private async Task<long> RemoveMatchesAsync(IReadOnlyList<string> patterns, bool allowAll)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var globs = patterns.Select(CacheKeyPattern.Parse).ToArray();
        if (!allowAll && globs.FirstOrDefault(static g => g.IsUnanchored) is { } unanchored)
        {
            throw new InvalidCacheOptionsException($"The pattern '{unanchored.Text}' has no literal prefix, so it may clear every key; pass the explicit allow-all flag to do that.");
        }

        // Each distinct literal prefix is one range of the partition (a prefix inside another's range is read with
        // it); a request with an unanchored pattern reads the whole partition, a page at a time.
        var matches = new List<string>();
        foreach (var prefix in Ranges(globs))
        {
            for (string? after = null; ;)
            {
                var page = await RangeAsync(prefix, after, PageSize);
                matches.AddRange(page.Where(key => Array.Exists(globs, g => g.IsMatch(key))));
                if (page.Count < PageSize)
                {
                    break;
                }

                after = page[^1];
            }
        }

        long removed = 0;
        for (var start = 0; start < matches.Count; start += FanOut)
        {
            var batch = matches.Skip(start).Take(FanOut).Select(key => GrainFactory.GetGrain<ICacheEntryGrain>(key).DeleteAsync());
            removed += (await Task.WhenAll(batch)).Count(static r => r);
        }

        return removed;
    }

    public async Task<KeyScanPage> ScanAsync(string pattern, string? after, int count)
    {
        var glob = CacheKeyPattern.Parse(pattern);
        if (count is < 1 or > IKeyScanGrain.MaxCount)
        {
            throw new InvalidCacheRequestException($"The scan count must be between 1 and {IKeyScanGrain.MaxCount} (was {count}).");
        }

        // The page bounds what is examined: the live keys after the cursor within the pattern's literal prefix.
        var examined = await RangeAsync(glob.IsUnanchored ? "" : glob.LiteralPrefix, after, count + 1);
        var page = examined.Take(count).ToList();
        return new KeyScanPage([.. page.Where(glob.IsMatch)], examined.Count > count ? page[^1] : null);
    }

    /// <summary>The prefixes to read for <paramref name="globs"/>: none contains another, and "" alone if any glob is unanchored.</summary>
    internal static IReadOnlyList<string> Ranges(IReadOnlyList<CacheKeyPattern> globs)
    {
        if (globs.Any(static g => g.IsUnanchored))
        {
            return [""];
        }

        var ranges = new List<string>();
        foreach (var prefix in globs.Select(static g => g.LiteralPrefix).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (ranges.Count == 0 || !prefix.StartsWith(ranges[^1], StringComparison.Ordinal))
            {
                ranges.Add(prefix);
            }
        }

        return ranges;
    }

    private Task<IReadOnlyList<string>> RangeAsync(string prefix, string? after, int limit)
    {
        var partition = this.GetPrimaryKeyLong();
        if (partition is < 0 or >= IKeyIndex.Partitions)
        {
            throw new InvalidCacheOptionsException($"Key index partitions are 0 to {IKeyIndex.Partitions - 1} (was {partition}).");
        }

        return index.RangeAsync(partition.ToString(System.Globalization.CultureInfo.InvariantCulture), prefix, after, limit, clock.GetUtcNow());
    }
}
