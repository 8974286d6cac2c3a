using CacheCluster.Bench.Measurement;
using CacheCluster.Bench.Reporting;

namespace CacheCluster.Bench.RateLimiting;

/// <summary>Everything one S5 run measured, as written to <c>bench/results/ratelimit-*.json</c>.</summary>
internal sealed record RateLimitReport(
    string Scenario,
    DateTimeOffset StartedAt,
    string Command,
    MachineInfo Machine,
    RateLimitRunSettings Settings,
    IReadOnlyList<ThroughputRow> Throughput,
    IReadOnlyList<ThroughputComparison> Comparisons,
    IReadOnlyList<ExactnessRow> Exactness,
    IReadOnlyList<string> Notes)
{
    /// <summary>Gets a value indicating whether no decision failed or degraded and every exactness run admitted exactly the limit.</summary>
    public bool Valid => Throughput.All(row => row.Errors == 0 && row.Degraded == 0) && Exactness.All(row => row.Exact);
}

/// <summary>How the run was set up.</summary>
internal sealed record RateLimitRunSettings(
    int Callers,
    double Seconds,
    double WarmupSeconds,
    int Identifiers,
    long ExactnessAttempts,
    IReadOnlyDictionary<string, string> Policies);

/// <summary>One timed throughput run of one target, with the CPU microseconds per decision in each process.</summary>
internal sealed record ThroughputRow(
    string Algorithm,
    int Identifiers,
    string Target,
    string Policy,
    long Decisions,
    double Seconds,
    double DecisionsPerSecond,
    double P50Microseconds,
    double P90Microseconds,
    double P99Microseconds,
    double MaxMicroseconds,
    long Allowed,
    long Limited,
    long Degraded,
    long Errors,
    string? FirstError,
    CpuUsage Cpu);

/// <summary>CacheCluster divided by RedisRateLimiting for one algorithm and identifier count.</summary>
internal sealed record ThroughputComparison(
    string Algorithm,
    int Identifiers,
    double DecisionsPerSecondRatio,
    double P50Ratio,
    double P99Ratio);

/// <summary>One exactness run: a fixed number of attempts on one identifier against a small limit.</summary>
internal sealed record ExactnessRow(
    string Algorithm,
    string Target,
    string Policy,
    int Callers,
    long Attempts,
    long Expected,
    long Admitted,
    long Limited,
    long Degraded,
    long Errors,
    double Seconds,
    string? FirstError)
{
    public bool Exact => Admitted == Expected && Admitted + Limited == Attempts && Errors == 0 && Degraded == 0;
}
