namespace CacheCluster.Hosting;

/// <summary>
/// What one event type invalidates, bound from <c>CacheCluster:Invalidation:Rules:{eventType}</c>. Each entry may hold
/// placeholders filled from the event's data, such as <c>user:{user_id}:*</c>.
/// </summary>
public sealed class InvalidationRuleOptions
{
    /// <summary>Gets the keys to remove.</summary>
    public List<string> Keys { get; } = [];

    /// <summary>Gets the glob patterns to remove; substituted values are escaped, so data can never widen a pattern.</summary>
    public List<string> Patterns { get; } = [];

    /// <summary>Gets the tags to invalidate.</summary>
    public List<string> Tags { get; } = [];

    /// <summary>
    /// Gets or sets the entity the event is about, such as <c>user:{user_id}</c>: events with the same entity are applied
    /// in order. When <see langword="null"/>, the event's subject, else its first key, tag or pattern.
    /// </summary>
    public string? Entity { get; set; }
}
