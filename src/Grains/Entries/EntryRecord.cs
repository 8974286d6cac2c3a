namespace CacheCluster.Entries;

/// <summary>
/// One stored entry: immutable, shared by the grain and the in-memory store, replaced whole on every write.
/// </summary>
internal sealed class EntryRecord
{
    public required long Version { get; init; }

    public required CacheEntryKind Kind { get; init; }

    /// <summary>Gets the bytes of a <see cref="CacheEntryKind.Value"/> entry.</summary>
    public byte[]? Value { get; init; }

    /// <summary>Gets the elements of a <see cref="CacheEntryKind.List"/> entry; never empty.</summary>
    public byte[][]? List { get; init; }

    public string? ContentType { get; init; }

    public required DateTimeOffset LastModified { get; init; }

    public DateTimeOffset? FreshUntil { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string[] Tags { get; init; } = [];

    /// <summary>Gets the HTTP caching directives, or <see langword="null"/>.</summary>
    public CacheHttpPolicy? HttpPolicy { get; init; }

    public long SizeBytes => Kind == CacheEntryKind.Value ? Value!.Length : List!.Sum(static e => (long)e.Length);

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expiresAt && expiresAt <= now;

    public CacheEntryState StateAt(DateTimeOffset now) =>
        IsExpiredAt(now) ? CacheEntryState.Missing
        : FreshUntil is { } freshUntil && freshUntil <= now ? CacheEntryState.Stale
        : CacheEntryState.Fresh;
}
