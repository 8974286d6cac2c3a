namespace CacheCluster;

/// <summary>A compare-and-set found another version than the one expected; nothing was written.</summary>
[GenerateSerializer, Alias("cachecluster.version-conflict")]
public class CacheVersionConflictException : CacheClusterException
{
    /// <summary>Initializes a new instance of the <see cref="CacheVersionConflictException"/> class.</summary>
    /// <param name="expectedVersion">The version the writer expected.</param>
    /// <param name="currentVersion">The version found, or 0 when the key does not exist.</param>
    public CacheVersionConflictException(long expectedVersion, long currentVersion)
        : base(currentVersion == 0
            ? $"Compare-and-set expected version {expectedVersion}, but the key does not exist."
            : $"Compare-and-set expected version {expectedVersion}, but the entry is at version {currentVersion}.")
    {
        ExpectedVersion = expectedVersion;
        CurrentVersion = currentVersion;
    }

    /// <summary>Gets the version the writer expected.</summary>
    [Id(0)]
    public long ExpectedVersion { get; init; }

    /// <summary>Gets the version found, or 0 when the key does not exist.</summary>
    [Id(1)]
    public long CurrentVersion { get; init; }
}
