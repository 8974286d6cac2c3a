namespace CacheCluster;

/// <summary>The precondition a write must meet before anything is stored.</summary>
public enum CacheWriteMode : byte
{
    /// <summary>Write unconditionally.</summary>
    Always = 0,

    /// <summary>Write only if the key does not exist (Redis <c>NX</c>).</summary>
    IfNotExists = 1,

    /// <summary>Write only if the key exists (Redis <c>XX</c>).</summary>
    IfExists = 2,

    /// <summary>Write only if the entry exists at exactly <see cref="CacheWriteCondition.ExpectedVersion"/> (compare-and-set).</summary>
    IfVersion = 3,
}

/// <summary>A write precondition: unconditional, NX, XX, or compare-and-set on the entry's version.</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.write-condition")]
public readonly record struct CacheWriteCondition
{
    private CacheWriteCondition(CacheWriteMode mode, long expectedVersion)
    {
        Mode = mode;
        ExpectedVersion = expectedVersion;
    }

    /// <summary>Gets the kind of precondition.</summary>
    [Id(0)]
    public CacheWriteMode Mode { get; init; }

    /// <summary>Gets the version the entry must have, for <see cref="CacheWriteMode.IfVersion"/>.</summary>
    [Id(1)]
    public long ExpectedVersion { get; init; }

    /// <summary>Gets the unconditional write.</summary>
    public static CacheWriteCondition Always => default;

    /// <summary>Gets the only-if-absent write (NX).</summary>
    public static CacheWriteCondition IfNotExists => new(CacheWriteMode.IfNotExists, 0);

    /// <summary>Gets the only-if-present write (XX).</summary>
    public static CacheWriteCondition IfExists => new(CacheWriteMode.IfExists, 0);

    /// <summary>Creates a compare-and-set condition on the entry's version.</summary>
    /// <param name="expectedVersion">The version returned by the read or write the caller's value is based on.</param>
    /// <returns>The condition.</returns>
    public static CacheWriteCondition IfVersion(long expectedVersion)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(expectedVersion);
        return new(CacheWriteMode.IfVersion, expectedVersion);
    }

    /// <inheritdoc />
    public override string ToString() => Mode == CacheWriteMode.IfVersion ? $"IfVersion({ExpectedVersion})" : Mode.ToString();
}
