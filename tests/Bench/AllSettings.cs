namespace CacheCluster.Bench;

/// <summary>The sizes and durations of an <c>all</c> run; <see cref="Quick"/> fits the whole run in about three minutes on an idle machine.</summary>
internal sealed record AllSettings(
    bool Quick,
    IReadOnlySet<string> Scenarios,
    int Keys,
    int ValueBytes,
    int Callers,
    TimeSpan Warmup,
    TimeSpan Duration,
    double ZipfExponent,
    int StampedeRounds,
    int StampedeProcesses,
    int StampedeCallers,
    int FactoryMilliseconds,
    IReadOnlyList<int> MemoryEntries,
    int MemoryValueBytes,
    int InvalidationEntries,
    int InvalidationRuns)
{
    public static readonly string[] AllScenarios = ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "BATCH"];

    public static AllSettings Create(bool quick, IReadOnlySet<string> scenarios) => new(
        quick,
        scenarios,
        Keys: quick ? 10_000 : 100_000,
        ValueBytes: 1024,
        Callers: 64,
        Warmup: TimeSpan.FromSeconds(quick ? 1 : 3),
        Duration: TimeSpan.FromSeconds(quick ? 3 : 10),
        ZipfExponent: 0.99,
        StampedeRounds: quick ? 1 : 3,
        StampedeProcesses: 4,
        StampedeCallers: 250,
        FactoryMilliseconds: 100,
        // A million entries would slow the silo for every later scenario: full mode measures them when S7 runs alone.
        MemoryEntries: quick ? [50_000] : scenarios.Count == 1 ? [100_000, 1_000_000] : [100_000],
        MemoryValueBytes: 100,
        InvalidationEntries: 10_000,
        InvalidationRuns: quick ? 1 : 7);

    public bool Runs(string scenario) => Scenarios.Contains(scenario);
}
