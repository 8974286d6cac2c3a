namespace CacheCluster.Invalidation.Rules;

/// <summary>The concrete keys, patterns and tags one event invalidates.</summary>
internal sealed record InvalidationTargets(IReadOnlyList<string> Keys, IReadOnlyList<string> Patterns, IReadOnlyList<string> Tags)
{
    public static InvalidationTargets None { get; } = new([], [], []);

    public bool IsEmpty => Keys.Count == 0 && Patterns.Count == 0 && Tags.Count == 0;
}
