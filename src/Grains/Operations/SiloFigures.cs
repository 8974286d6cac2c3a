namespace CacheCluster.Operations;

/// <summary>What one silo holds and does: counts since it started, rates over the last minute.</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.silo-figures")]
public sealed record SiloFigures
{
    /// <summary>Gets the CacheCluster version the silo runs.</summary>
    [Id(0)]
    public string Version { get; init; } = string.Empty;

    /// <summary>Gets the silo's HTTP API address, or <see langword="null"/> when it hosts none.</summary>
    [Id(1)]
    public string? Http { get; init; }

    /// <summary>Gets the entry activations in the silo's memory.</summary>
    [Id(2)]
    public long ActiveEntries { get; init; }

    /// <summary>Gets the records of the embedded store, or <see langword="null"/> in Redis mode (records live in Redis).</summary>
    [Id(3)]
    public long? ResidentRecords { get; init; }

    /// <summary>Gets the process's resident memory (RSS), in bytes.</summary>
    [Id(4)]
    public long RssBytes { get; init; }

    /// <summary>Gets the memory bound (<c>CacheCluster:MaxMemoryMB</c>) in bytes, or <see langword="null"/> when unbounded.</summary>
    [Id(5)]
    public long? MaxMemoryBytes { get; init; }

    /// <summary>Gets the reads that found their key.</summary>
    [Id(6)]
    public long Hits { get; init; }

    /// <summary>Gets the reads that found no key.</summary>
    [Id(7)]
    public long Misses { get; init; }

    /// <summary>Gets hits ÷ (hits + misses), or <see langword="null"/> before the first read.</summary>
    [Id(8)]
    public double? HitRatio { get; init; }

    /// <summary>Gets the entry operations per second, averaged over the last minute.</summary>
    [Id(9)]
    public double OpsPerSecond { get; init; }

    /// <summary>Gets the entries made to leave memory at the silo's bounds.</summary>
    [Id(10)]
    public long Evictions { get; init; }

    /// <summary>Gets the fill and refresh leases out now.</summary>
    [Id(11)]
    public long LeasesInFlight { get; init; }

    /// <summary>Gets the rate-limit requests allowed.</summary>
    [Id(12)]
    public long RateLimitAllowed { get; init; }

    /// <summary>Gets the rate-limit requests limited (shadow-mode refusals included).</summary>
    [Id(13)]
    public long RateLimitLimited { get; init; }

    /// <summary>Gets the invalidation stream partitions active on this silo, with what each has not yet applied.</summary>
    [Id(14)]
    public IReadOnlyList<PartitionLag> Invalidation { get; init; } = [];

    /// <summary>Gets the operations the slow log has taken since the silo started.</summary>
    [Id(15)]
    public long SlowOperations { get; init; }
}
