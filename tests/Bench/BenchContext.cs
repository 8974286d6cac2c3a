using CacheCluster.Bench.Measurement;
using CacheCluster.Bench.Reporting;
using StackExchange.Redis;

namespace CacheCluster.Bench;

/// <summary>What every scenario of an <c>all</c> run shares: the cluster and Redis it runs against, and the figures so far.</summary>
internal sealed class BenchContext
{
    public required AllSettings Settings { get; init; }

    public required string RedisEndpoint { get; init; }

    /// <summary>The plain connection the Redis target uses.</summary>
    public required IDatabase Redis { get; init; }

    /// <summary>An admin connection for INFO, kept apart from the measured one.</summary>
    public required IServer RedisServer { get; init; }

    public required IReadOnlyList<string> Gateways { get; init; }

    public required string ClusterId { get; init; }

    public required string ServiceId { get; init; }

    public required IReadOnlyList<int> SiloPids { get; init; }

    public required IReadOnlyList<string> SiloMetricsUrls { get; init; }

    /// <summary>The services of the CacheCluster client host started for the run (near cache off).</summary>
    public required IServiceProvider Cluster { get; init; }

    /// <summary>This tool's own dll, for the processes S4 and S5 start.</summary>
    public required string BenchDll { get; init; }

    /// <summary>The <c>cachecluster</c> CLI's dll, for S4's CacheCluster side; null: S4 cannot run.</summary>
    public required string? CliDll { get; init; }

    public required string OutputDirectory { get; init; }

    public required string Command { get; init; }

    public TimeProvider Clock { get; } = TimeProvider.System;

    public LoadRunner Runner => new(Clock);

    public TextWriter Log { get; init; } = Console.Out;

    public List<ThroughputRow> Throughput { get; } = [];

    public List<StampedeRow> Stampede { get; } = [];

    public List<RateLimitRow> RateLimiting { get; } = [];

    public List<InvalidationRow> Invalidation { get; } = [];

    public List<MemoryRow> Memory { get; } = [];

    /// <summary>Issue 14: CacheCluster's HybridCache ÷ Microsoft's, per scenario and figure.</summary>
    public List<HybridComparisonRow> HybridComparison { get; } = [];

    public List<string> Notes { get; } = [];

    /// <summary>How long each scenario took, set up included, in seconds.</summary>
    public SortedDictionary<string, double> ScenarioSeconds { get; } = new(StringComparer.Ordinal);
}
