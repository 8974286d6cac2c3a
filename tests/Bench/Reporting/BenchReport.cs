
namespace CacheCluster.Bench.Reporting;

/// <summary>Everything one <c>all</c> run measured, with the machine and settings it was measured on.</summary>
internal sealed record BenchReport(
    DateTimeOffset StartedAt,
    string Command,
    string Mode,
    int Silos,
    double WallSeconds,
    MachineInfo Machine,
    IReadOnlyDictionary<string, string> PeerPackages,
    AllSettings Settings,
    IReadOnlyList<ThroughputRow> Throughput,
    IReadOnlyList<StampedeRow> Stampede,
    IReadOnlyList<RateLimitRow> RateLimiting,
    IReadOnlyList<InvalidationRow> Invalidation,
    IReadOnlyList<MemoryRow> Memory,
    IReadOnlyList<HybridComparisonRow> HybridComparison,
    IReadOnlyList<GoalRow> Goals,
    IReadOnlyDictionary<string, double> ScenarioSeconds,
    IReadOnlyList<string> Notes);
