namespace CacheCluster.Bench.RateLimiting;

/// <summary>The knobs of one S5 run.</summary>
internal sealed record RateLimitBenchSettings(
    int Callers,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Identifiers,
    long ExactnessAttempts,
    int? SiloPid,
    string Command);
