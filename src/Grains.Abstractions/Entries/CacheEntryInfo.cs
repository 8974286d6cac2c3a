namespace CacheCluster;

/// <summary>An entry's metadata, without its value.</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.entry-info")]
public sealed record CacheEntryInfo
{
    /// <summary>Gets what the key holds.</summary>
    [Id(0)]
    public CacheEntryKind Kind { get; init; }

    /// <summary>Gets whether the entry is fresh or stale.</summary>
    [Id(1)]
    public CacheEntryState State { get; init; }

    /// <summary>Gets the entry's version.</summary>
    [Id(2)]
    public long Version { get; init; }

    /// <summary>Gets the value's content type, or <see langword="null"/>.</summary>
    [Id(3)]
    public string? ContentType { get; init; }

    /// <summary>Gets the size of the value in bytes, or of all list elements together.</summary>
    [Id(4)]
    public long SizeBytes { get; init; }

    /// <summary>Gets the number of elements for a list, or 1 for a value.</summary>
    [Id(5)]
    public long Length { get; init; }

    /// <summary>Gets the time of the last write.</summary>
    [Id(6)]
    public DateTimeOffset LastModified { get; init; }

    /// <summary>Gets the end of the soft expiry, or <see langword="null"/>.</summary>
    [Id(7)]
    public DateTimeOffset? FreshUntil { get; init; }

    /// <summary>Gets the hard expiry, or <see langword="null"/>.</summary>
    [Id(8)]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets the entry's tags.</summary>
    [Id(9)]
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets the entry's HTTP caching directives, or <see langword="null"/> when it has none.</summary>
    [Id(10)]
    public CacheHttpPolicy? HttpPolicy { get; init; }

    /// <summary>Gets the entry's sliding window (a touch moves <see cref="ExpiresAt"/> to now plus this), or <see langword="null"/>.</summary>
    [Id(11)]
    public TimeSpan? SlidingExpiration { get; init; }

    /// <summary>Gets the absolute cap a touch never moves <see cref="ExpiresAt"/> past, or <see langword="null"/> when there is none.</summary>
    [Id(12)]
    public DateTimeOffset? AbsoluteExpiresAt { get; init; }
}

/// <summary>The remaining lifetime of an entry.</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.time-to-live")]
public readonly record struct CacheTimeToLive
{
    /// <summary>Gets a value indicating whether the key exists.</summary>
    [Id(0)]
    public bool Exists { get; init; }

    /// <summary>Gets the time until the hard expiry, or <see langword="null"/> when the entry has none (or is missing).</summary>
    [Id(1)]
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>Gets the time it stays fresh, <see cref="TimeSpan.Zero"/> when stale, or <see langword="null"/> when it never goes stale.</summary>
    [Id(2)]
    public TimeSpan? FreshFor { get; init; }
}

/// <summary>Which end of a list.</summary>
public enum ListEnd : byte
{
    /// <summary>The first element (Redis <c>LPUSH</c>).</summary>
    Head = 0,

    /// <summary>The last element (Redis <c>RPUSH</c>).</summary>
    Tail = 1,
}
