namespace CacheCluster.Invalidation.Stream;

/// <summary>The fan-out of one event under a span (<see cref="CacheClusterTracing"/>).</summary>
internal sealed partial class InvalidationStreamGrain
{
    internal const string FanOutSpan = "cachecluster.invalidation.fanout";

    /// <summary>
    /// Applies one event: <c>cachecluster.partition</c> is the stream partition, <c>cachecluster.batch.size</c> the
    /// event's keys, tags and patterns together, <c>cachecluster.invalidation.entries</c> the entries it removed.
    /// </summary>
    private async Task<long> FanOutAsync(LoggedEvent next)
    {
        using var activity = CacheClusterTracing.Start(FanOutSpan);
        activity?.Tag(CacheClusterTracing.Partition, _partition);
        activity?.Tag(CacheClusterTracing.BatchSize, next.Keys.Count + next.Tags.Count + next.Patterns.Count);
        activity?.Tag("cachecluster.invalidation.sequence", next.Sequence);
        try
        {
            var invalidated = await fanOut.ApplyAsync(next);
            activity?.Tag("cachecluster.invalidation.entries", invalidated);
            return invalidated;
        }
        catch (Exception ex)
        {
            activity?.Fail(ex);
            throw;
        }
    }
}
