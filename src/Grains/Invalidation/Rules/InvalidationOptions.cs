namespace CacheCluster.Hosting;

/// <summary>Invalidation settings, bound from <c>CacheCluster:Invalidation</c>.</summary>
public sealed class InvalidationOptions
{
    /// <summary>Gets the rules by event type (<c>CacheCluster:Invalidation:Rules:{eventType}</c>).</summary>
    public Dictionary<string, InvalidationRuleOptions> Rules { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets how long an event id is remembered: publishing it again within this window is a no-op.</summary>
    /// <value>One hour.</value>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how long a subscription lasts unless renewed; clients renew at a third of it.</summary>
    /// <value>Two minutes.</value>
    public TimeSpan SubscriptionLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the largest event data accepted, in UTF-8 bytes.</summary>
    /// <value>64 KiB.</value>
    public int MaxEventBytes { get; set; } = DomainEvent.DefaultMaxDataBytes;

    /// <summary>
    /// Gets or sets how often each silo wakes the stream partitions, so that a fan-out interrupted by a crashed silo
    /// resumes on another one.
    /// </summary>
    /// <value>Five seconds.</value>
    public TimeSpan ResumeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets the work budget of one direct invalidation: the most distinct patterns it may name. Each pattern is
    /// matched against every live key of the key index, so a request over it is refused (400) before anything is
    /// removed. Event rules are not counted: their patterns come from configuration.
    /// </summary>
    /// <value>32.</value>
    public int MaxPatternsPerRequest { get; set; } = 32;
}
