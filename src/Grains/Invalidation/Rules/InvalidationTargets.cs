namespace CacheCluster.Invalidation.Rules;

/// <summary>The concrete keys, patterns and tags one event invalidates.</summary>
internal sealed record InvalidationTargets(IReadOnlyList<string> Keys, IReadOnlyList<string> Patterns, IReadOnlyList<string> Tags)
{
    public static InvalidationTargets None { get; } = new([], [], []);

    /// <summary>Gets the entity the rule names, or <see langword="null"/> when it names none.</summary>
    public string? Entity { get; init; }

    /// <summary>Gets the entity events are ordered by: the rule's, else the first key, tag or pattern.</summary>
    public string? OrderingEntity => Entity ?? First(Keys) ?? First(Tags) ?? First(Patterns);

    private static string? First(IReadOnlyList<string> list) => list.Count > 0 ? list[0] : null;

    public bool IsEmpty => Keys.Count == 0 && Patterns.Count == 0 && Tags.Count == 0;
}
