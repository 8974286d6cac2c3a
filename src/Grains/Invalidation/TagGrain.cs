using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Invalidation;

/// <summary>
/// A tag's entity grain: invalidating it asks each registered entry to remove itself if it still carries the tag.
/// Entries drop their own registrations, so a crash in the middle leaves the rest registered for the next attempt.
/// </summary>
internal sealed class TagGrain([FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock, ITagIndex index) : Grain, ITagGrain
{
    /// <summary>How many entries are invalidated at once: enough to keep Redis pipelines full, bounded for memory.</summary>
    private const int FanOut = 4096;

    public async Task<long> InvalidateAsync()
    {
        var tag = this.GetPrimaryKeyString();
        CacheKey.ValidateTag(tag);
        var members = await index.MembersAsync(tag, clock.GetUtcNow());
        long removed = 0;
        for (var start = 0; start < members.Count; start += FanOut)
        {
            var batch = members.Skip(start).Take(FanOut).Select(key => GrainFactory.GetGrain<ICacheEntryGrain>(key).InvalidateTagAsync(tag));
            removed += (await Task.WhenAll(batch)).Count(static r => r);
        }

        return removed;
    }
}
