using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Invalidation;

/// <summary>
/// A tag's entity grain: invalidating it removes each registered entry that still carries the tag. The keys go to every
/// active silo in one message per silo (<see cref="ISiloInvalidationGrain"/>), which removes those active there in a batch;
/// a key active nowhere gets the entry grain's own call (<see cref="ICacheEntryGrain.InvalidateTagAsync"/>). Entries drop
/// their own registrations, so a crash in the middle leaves the rest registered for the next attempt.
/// </summary>
internal sealed partial class TagGrain(
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
    ITagIndex index,
    IClusterMembershipService membership,
    ILogger<TagGrain> logger) : Grain, ITagGrain
{
    /// <summary>How many keys go in one message: enough to keep Redis pipelines full, bounded for memory.</summary>
    private const int FanOut = 4096;

    public async Task<long> InvalidateAsync()
    {
        var tag = this.GetPrimaryKeyString();
        CacheKey.ValidateTag(tag);
        var members = await index.MembersAsync(tag, clock.GetUtcNow());
        long removed = 0;
        for (var start = 0; start < members.Count; start += FanOut)
        {
            removed += await RemoveBatchAsync(tag, [.. members.Skip(start).Take(FanOut)]);
        }

        return removed;
    }

    private async Task<long> RemoveBatchAsync(string tag, string[] keys)
    {
        var silos = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        var answers = await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                return await GrainFactory.GetGrain<ISiloInvalidationGrain>(silo.ToParsableString()).RemoveAsync(keys, tag);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A silo that is leaving: its keys are removed one by one below, wherever they are active now.
                LogInformationSiloBatchFailed(ex, silo.ToString());
                return null;
            }
        }));

        var claimed = new bool[keys.Length];
        long removed = 0;
        foreach (var answer in answers.OfType<SiloRemoval>())
        {
            removed += answer.Removed;
            foreach (var i in answer.Claimed)
            {
                claimed[i] = true;
            }
        }

        var rest = keys.Where((_, i) => !claimed[i]).Select(key => GrainFactory.GetGrain<ICacheEntryGrain>(key).InvalidateTagAsync(tag));
        return removed + (await Task.WhenAll(rest)).Count(static r => r);
    }

    [LoggerMessage(1045, LogLevel.Information, "Silo {Silo} did not take a batch removal; its keys are removed one by one")]
    private partial void LogInformationSiloBatchFailed(Exception exception, string silo);
}
