namespace CacheCluster;

/// <summary>A typed read: the value with its state and version, or not found.</summary>
/// <typeparam name="T">The value's type.</typeparam>
public readonly record struct CacheResult<T>
{
    /// <summary>Gets whether the entry is fresh, stale or missing.</summary>
    public CacheEntryState State { get; init; }

    /// <summary>Gets the value, or <see langword="default"/> when not found.</summary>
    public T? Value { get; init; }

    /// <summary>Gets the entry's version, for compare-and-set.</summary>
    public long Version { get; init; }

    /// <summary>Gets the time of the last write.</summary>
    public DateTimeOffset LastModified { get; init; }

    /// <summary>Gets the end of the soft expiry, or <see langword="null"/>.</summary>
    public DateTimeOffset? FreshUntil { get; init; }

    /// <summary>Gets the hard expiry, or <see langword="null"/>.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Gets a value indicating whether the key exists (fresh or stale).</summary>
    public bool Found => State != CacheEntryState.Missing;

    /// <summary>Gets a value indicating whether the entry is past its soft expiry.</summary>
    public bool IsStale => State == CacheEntryState.Stale;
}
