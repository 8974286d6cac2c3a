namespace CacheCluster.Invalidation.Stream;

/// <summary>Applies one logged event's targets; idempotent, so a fan-out interrupted by a crash can simply run again.</summary>
internal interface IInvalidationFanOut
{
    /// <summary>Invalidates the event's keys, tags and patterns; returns how many entries were removed.</summary>
    Task<long> ApplyAsync(LoggedEvent logged);
}

/// <summary>The fan-out through the grains, removing as direct invalidations do (<see cref="InvalidationRemoval"/>).</summary>
internal sealed class GrainInvalidationFanOut(IGrainFactory grains) : IInvalidationFanOut
{
    public Task<long> ApplyAsync(LoggedEvent logged) =>
        InvalidationCause.RunAsync(
            $"event {logged.EventType} {logged.EventId}",
            () => InvalidationRemoval.RemoveAsync(grains, logged.Keys, logged.Tags, logged.Patterns, allowAll: false, ruleDriven: true));
}
