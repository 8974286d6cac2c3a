namespace CacheCluster.Invalidation.Stream;

/// <summary>Applies one logged event's targets; idempotent, so a fan-out interrupted by a crash can simply run again.</summary>
internal interface IInvalidationFanOut
{
    /// <summary>Invalidates the event's keys, tags and patterns; returns how many entries were removed.</summary>
    Task<long> ApplyAsync(LoggedEvent logged);
}

/// <summary>The fan-out through the grains: entry grains for keys, tag grains for tags, every key index partition for patterns.</summary>
internal sealed class GrainInvalidationFanOut(IGrainFactory grains) : IInvalidationFanOut
{
    public async Task<long> ApplyAsync(LoggedEvent logged)
    {
        var work = new List<Task<long>>(logged.Keys.Count + logged.Tags.Count + logged.Patterns.Count);
        foreach (var key in logged.Keys)
        {
            work.Add(RemoveKeyAsync(key));
        }

        foreach (var tag in logged.Tags)
        {
            work.Add(grains.GetGrain<ITagGrain>(tag).InvalidateAsync());
        }

        foreach (var pattern in logged.Patterns)
        {
            work.Add(grains.InvalidatePatternAsync(pattern, allowAll: false));
        }

        return (await Task.WhenAll(work)).Sum();
    }

    private async Task<long> RemoveKeyAsync(string key) => await grains.GetGrain<ICacheEntryGrain>(key).DeleteAsync() ? 1 : 0;
}
