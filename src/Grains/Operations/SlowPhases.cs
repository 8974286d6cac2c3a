namespace CacheCluster.Operations;

/// <summary>Where a slow operation spent its time.</summary>
internal static class SlowPhases
{
    /// <summary>The whole call to an entry grain, queueing included.</summary>
    public const string Grain = "grain";

    /// <summary>A call to the entry store (Redis, or the embedded store).</summary>
    public const string Storage = "storage";

    /// <summary>Applying an invalidation event: the fan-out to tag, entry and key index grains.</summary>
    public const string FanOut = "fanout";
}
