namespace CacheCluster;

/// <summary>The answer to a read: the value with its version and expiry, or <see cref="CacheEntryState.Missing"/>.</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.read-result")]
public sealed record CacheReadResult
{
    /// <summary>Gets the answer for a key that does not exist.</summary>
    public static CacheReadResult Missing { get; } = new();

    /// <summary>Gets whether the entry is fresh, stale or missing.</summary>
    [Id(0)]
    public CacheEntryState State { get; init; }

    /// <summary>Gets the stored value, or <see langword="null"/> when <see cref="State"/> is <see cref="CacheEntryState.Missing"/>.</summary>
    [Id(1)]
    public CacheValue? Value { get; init; }

    /// <summary>Gets the entry's version: it changes on every write.</summary>
    [Id(2)]
    public long Version { get; init; }

    /// <summary>Gets the time of the last write.</summary>
    [Id(3)]
    public DateTimeOffset LastModified { get; init; }

    /// <summary>Gets the end of the soft expiry, or <see langword="null"/> when the entry never goes stale.</summary>
    [Id(4)]
    public DateTimeOffset? FreshUntil { get; init; }

    /// <summary>Gets the hard expiry, or <see langword="null"/> when the entry lives until removed.</summary>
    [Id(5)]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets the entry's HTTP caching directives, or <see langword="null"/> when it has none.</summary>
    [Id(6)]
    public CacheHttpPolicy? HttpPolicy { get; init; }

    /// <summary>Gets the entry's tags (empty when it has none): the HTTP API sends them for CDNs to purge by.</summary>
    [Id(7)]
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets a value indicating whether the key exists (fresh or stale).</summary>
    public bool Found => State != CacheEntryState.Missing;
}
