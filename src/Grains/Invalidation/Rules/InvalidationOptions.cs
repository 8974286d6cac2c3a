namespace CacheCluster.Hosting;

/// <summary>Invalidation settings, bound from <c>CacheCluster:Invalidation</c>.</summary>
public sealed class InvalidationOptions
{
    /// <summary>Gets the rules by event type (<c>CacheCluster:Invalidation:Rules:{eventType}</c>).</summary>
    public Dictionary<string, InvalidationRuleOptions> Rules { get; } = new(StringComparer.Ordinal);
}
