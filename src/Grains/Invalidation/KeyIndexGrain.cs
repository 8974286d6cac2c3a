using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Invalidation;

/// <summary>A partition of the key index: matches its live keys against a glob and removes the matches.</summary>
internal sealed class KeyIndexGrain([FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock, IKeyIndex index) : Grain, IKeyIndexGrain
{
    private const int FanOut = 4096;

    public async Task<long> InvalidateAsync(string pattern, bool allowAll)
    {
        var glob = CacheKeyPattern.Parse(pattern);
        if (glob.MatchesEverything && !allowAll)
        {
            throw new InvalidCacheOptionsException($"The pattern '{pattern}' clears every key; pass the explicit allow-all flag to do that.");
        }

        var partition = this.GetPrimaryKeyLong();
        if (partition is < 0 or >= IKeyIndex.Partitions)
        {
            throw new InvalidCacheOptionsException($"Key index partitions are 0 to {IKeyIndex.Partitions - 1} (was {partition}).");
        }

        var members = await index.MembersAsync(partition.ToString(System.Globalization.CultureInfo.InvariantCulture), clock.GetUtcNow());
        var matches = members.Where(glob.IsMatch).ToList();
        long removed = 0;
        for (var start = 0; start < matches.Count; start += FanOut)
        {
            var batch = matches.Skip(start).Take(FanOut).Select(key => GrainFactory.GetGrain<ICacheEntryGrain>(key).DeleteAsync());
            removed += (await Task.WhenAll(batch)).Count(static r => r);
        }

        return removed;
    }
}
