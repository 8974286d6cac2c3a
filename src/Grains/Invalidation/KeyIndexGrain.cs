using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Invalidation;

/// <summary>
/// A partition of the key index: matches its live keys against a glob and removes the matches, or lists them a bounded
/// page at a time (<see cref="IKeyScanGrain"/>).
/// </summary>
internal sealed class KeyIndexGrain([FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock, IKeyIndex index) : Grain, IKeyIndexGrain, IKeyScanGrain
{
    private const int FanOut = 4096;

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

        // One read of the partition, whatever the number of patterns.
        var members = await MembersAsync();
        var matches = members.Where(key => Array.Exists(globs, g => g.IsMatch(key))).ToList();
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

        // One read of the partition, as for pattern invalidation; the page bounds what is matched and answered.
        var members = await MembersAsync();
        var examined = members
            .Where(key => after is null || string.CompareOrdinal(key, after) > 0)
            .Order(StringComparer.Ordinal)
            .Take(count + 1)
            .ToList();
        var page = examined.Take(count).ToList();
        return new KeyScanPage([.. page.Where(glob.IsMatch)], examined.Count > count ? page[^1] : null);
    }

    private Task<IReadOnlyList<string>> MembersAsync()
    {
        var partition = this.GetPrimaryKeyLong();
        if (partition is < 0 or >= IKeyIndex.Partitions)
        {
            throw new InvalidCacheOptionsException($"Key index partitions are 0 to {IKeyIndex.Partitions - 1} (was {partition}).");
        }

        return index.MembersAsync(partition.ToString(System.Globalization.CultureInfo.InvariantCulture), clock.GetUtcNow());
    }
}
