namespace CacheCluster;

/// <summary>What a conditional write did.</summary>
public enum CacheWriteOutcome : byte
{
    /// <summary>The key did not exist and now holds the value.</summary>
    Created = 0,

    /// <summary>The key existed and its value was replaced.</summary>
    Replaced = 1,

    /// <summary>Nothing was written: the key exists and the write was only-if-absent (NX).</summary>
    KeyExists = 2,

    /// <summary>Nothing was written: the key does not exist and the write was only-if-present (XX) or compare-and-set.</summary>
    KeyMissing = 3,

    /// <summary>Nothing was written: the entry's version differs from the expected one.</summary>
    VersionMismatch = 4,

    /// <summary>Nothing was written: the lease the fill carried was voided by a delete, overwrite or invalidation, or has passed to another caller.</summary>
    LeaseVoided = 5,

    /// <summary>
    /// Not written yet: the cluster could not be reached, and the client queued the write for when it is back
    /// (<c>CacheCluster:Resilience:SetFailureMode=Queue</c>). Never returned by the cluster itself.
    /// </summary>
    Queued = 6,
}

/// <summary>The answer to a write.</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.write-result")]
public readonly record struct CacheWriteResult
{
    /// <summary>Initializes a new instance of the <see cref="CacheWriteResult"/> struct.</summary>
    /// <param name="outcome">What the write did.</param>
    /// <param name="version">The new version when written; otherwise the current version, or 0 when the key is missing.</param>
    public CacheWriteResult(CacheWriteOutcome outcome, long version)
    {
        Outcome = outcome;
        Version = version;
    }

    /// <summary>Gets what the write did.</summary>
    [Id(0)]
    public CacheWriteOutcome Outcome { get; init; }

    /// <summary>Gets the new version when written; otherwise the current version, or 0 when the key is missing.</summary>
    [Id(1)]
    public long Version { get; init; }

    /// <summary>Gets a value indicating whether the value was stored.</summary>
    public bool Written => Outcome is CacheWriteOutcome.Created or CacheWriteOutcome.Replaced;
}

/// <summary>The answer to a write that yields a number: a counter's new value, a list's length, a count removed.</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.mutation-result")]
public readonly record struct CacheMutationResult
{
    /// <summary>Initializes a new instance of the <see cref="CacheMutationResult"/> struct.</summary>
    /// <param name="value">The number the operation yields.</param>
    /// <param name="version">The entry's version after the operation (0 when the key no longer exists).</param>
    public CacheMutationResult(long value, long version)
    {
        Value = value;
        Version = version;
    }

    /// <summary>Gets the number the operation yields.</summary>
    [Id(0)]
    public long Value { get; init; }

    /// <summary>Gets the entry's version after the operation (0 when the key no longer exists).</summary>
    [Id(1)]
    public long Version { get; init; }
}
