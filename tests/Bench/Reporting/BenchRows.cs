using CacheCluster.Bench.Measurement;

namespace CacheCluster.Bench.Reporting;

/// <summary>
/// One timed run of S1–S3: operations per second and latency percentiles in µs (HdrHistogram, 3 significant digits).
/// <see cref="CacheClusterRatio"/> is CacheCluster's ops/s divided by this row's, on peer rows of the same scenario.
/// </summary>
internal sealed record ThroughputRow(
    string Scenario,
    string Target,
    string Setup,
    long Operations,
    double Seconds,
    double OpsPerSecond,
    double P50Microseconds,
    double P99Microseconds,
    double P999Microseconds,
    double MaxMicroseconds)
{
    public double? CacheClusterRatio { get; init; }

    /// <summary>Gets the CPU time per operation of the timed run, per process (this one, the silos, redis-server).</summary>
    public CpuUsage? Cpu { get; init; }
}

/// <summary>S4 over all rounds: factory runs per round (all processes) and the callers' latencies in ms.</summary>
internal sealed record StampedeRow(
    string Target,
    int Rounds,
    int Processes,
    int CallersPerProcess,
    int FactoryMilliseconds,
    double FactoryRunsPerRound,
    int MaxFactoryRunsInARound,
    double P50Milliseconds,
    double P99Milliseconds,
    double MaxMilliseconds,
    int LateRetries);

/// <summary>S5, read back from the <c>ratelimit</c> subcommand's JSON: CacheCluster against RedisRateLimiting.</summary>
internal sealed record RateLimitRow(
    string Algorithm,
    int Identifiers,
    double CacheClusterDecisionsPerSecond,
    double RedisRateLimitingDecisionsPerSecond,
    double Ratio,
    double CacheClusterP99Microseconds,
    double RedisRateLimitingP99Microseconds);

/// <summary>S6: one way of invalidating <see cref="Entries"/> tagged entries, p50 and p90 over <see cref="Runs"/> runs, in ms.</summary>
internal sealed record InvalidationRow(string Target, string Measurement, int Entries, int Runs, double P50Milliseconds, double P90Milliseconds)
{
    /// <summary>Gets what the figures leave out, e.g. runs in which the state was not reached within the bound.</summary>
    public string? Note { get; init; }
}

/// <summary>S7: memory per entry, from one source (silo RSS, silo GC heap, Redis used_memory).</summary>
internal sealed record MemoryRow(string Target, string Source, int Entries, int KeyBytes, int ValueBytes, double BytesPerEntry)
{
    public double? CacheClusterRatio { get; init; }
}

/// <summary>An issue-7 target and whether this run met it (null: not measured in this run).</summary>
internal sealed record GoalRow(string Scenario, string Goal, string Measured, bool? Met);
