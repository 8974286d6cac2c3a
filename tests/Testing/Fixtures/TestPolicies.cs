using CacheCluster.Hosting;

namespace CacheCluster.Tests.Fixtures;

/// <summary>The rate-limit policies every test silo is configured with.</summary>
internal static class TestPolicies
{
    public const string Fixed = "fixed10";
    public const string Sliding = "sliding";
    public const string Bucket = "bucket";
    public const string Gcra = "gcra";
    public const string Shadow = "shadow";
    public const string Open = "open";
    public const string Wide = "wide";

    public static void AddTo(RateLimitingOptions options)
    {
        options.RateLimits[Fixed] = new() { Algorithm = RateLimitAlgorithm.FixedWindow, Limit = 10, Window = TimeSpan.FromSeconds(60) };
        options.RateLimits[Sliding] = new() { Algorithm = RateLimitAlgorithm.SlidingWindow, Limit = 5, Window = TimeSpan.FromSeconds(10) };
        options.RateLimits[Bucket] = new() { Algorithm = RateLimitAlgorithm.TokenBucket, Capacity = 4, TokensPerPeriod = 1, Period = TimeSpan.FromSeconds(2) };
        options.RateLimits[Gcra] = new() { Algorithm = RateLimitAlgorithm.Gcra, Limit = 30, Period = TimeSpan.FromSeconds(60), Burst = 15 };
        options.RateLimits[Shadow] = new() { Algorithm = RateLimitAlgorithm.FixedWindow, Limit = 2, Window = TimeSpan.FromSeconds(60), ShadowMode = true };
        options.RateLimits[Open] = new() { Algorithm = RateLimitAlgorithm.FixedWindow, Limit = 2, Window = TimeSpan.FromSeconds(60), FailureMode = RateLimitFailureMode.Open };
        options.RateLimits[Wide] = new() { Algorithm = RateLimitAlgorithm.FixedWindow, Limit = 1000, Window = TimeSpan.FromMinutes(10) };
    }
}
