using System.Globalization;
using RedisRateLimiting;
using StackExchange.Redis;
using System.Threading.RateLimiting;

namespace CacheCluster.Bench.RateLimiting;

/// <summary>
/// One rate-limit policy of the benchmark, configured identically on the silo (as <c>CacheCluster:RateLimits</c>
/// arguments) and on the RedisRateLimiting side. The silo arguments come from here, so the two cannot drift.
/// </summary>
internal sealed record BenchPolicy(string Name, RateLimitAlgorithm Algorithm, long Limit, TimeSpan Window, long Capacity, long TokensPerPeriod, TimeSpan Period)
{
    // Throughput runs: limits so high that every decision is 'allowed' and both sides do the same work.
    public static readonly BenchPolicy FixedWindowThroughput =
        Fixed("bench-fixed-window", limit: 1_000_000_000, window: TimeSpan.FromHours(1));

    public static readonly BenchPolicy TokenBucketThroughput =
        Bucket("bench-token-bucket", capacity: 1_000_000_000, tokensPerPeriod: 1_000_000_000, period: TimeSpan.FromSeconds(1));

    // Exactness runs: 1,000 per window (or a bucket of 1,000 that refills one token a day), far more attempts.
    public static readonly BenchPolicy FixedWindowExact =
        Fixed("bench-fixed-window-exact", limit: 1_000, window: TimeSpan.FromDays(1));

    public static readonly BenchPolicy TokenBucketExact =
        Bucket("bench-token-bucket-exact", capacity: 1_000, tokensPerPeriod: 1, period: TimeSpan.FromDays(1));

    public static IReadOnlyList<BenchPolicy> All { get; } = [FixedWindowThroughput, TokenBucketThroughput, FixedWindowExact, TokenBucketExact];

    /// <summary>Gets the permits one window or full bucket admits: what the silo reports as the decision's limit.</summary>
    public long MaxPermits => Algorithm == RateLimitAlgorithm.TokenBucket ? Capacity : Limit;

    /// <summary>Gets the span the policy is expressed over, in whole seconds, as the silo reports it.</summary>
    public long SpanSeconds => (long)Math.Ceiling((Algorithm == RateLimitAlgorithm.TokenBucket ? Period : Window).TotalSeconds);

    /// <summary>Gets a one-line description for reports.</summary>
    public string Describe() => Algorithm == RateLimitAlgorithm.TokenBucket
        ? string.Create(CultureInfo.InvariantCulture, $"token bucket, capacity {Capacity:N0}, {TokensPerPeriod:N0} {(TokensPerPeriod == 1 ? "token" : "tokens")} per {Period:c}")
        : string.Create(CultureInfo.InvariantCulture, $"fixed window, {Limit:N0} per {Window:c}");

    /// <summary>Returns the silo's command-line arguments that configure this policy.</summary>
    public IEnumerable<string> SiloArguments()
    {
        var prefix = $"--CacheCluster:RateLimits:{Name}:";
        yield return $"{prefix}Algorithm={Algorithm}";
        if (Algorithm == RateLimitAlgorithm.TokenBucket)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{prefix}Capacity={Capacity}");
            yield return string.Create(CultureInfo.InvariantCulture, $"{prefix}TokensPerPeriod={TokensPerPeriod}");
            yield return string.Create(CultureInfo.InvariantCulture, $"{prefix}Period={Period:c}");
        }
        else
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"{prefix}Limit={Limit}");
            yield return string.Create(CultureInfo.InvariantCulture, $"{prefix}Window={Window:c}");
        }
    }

    /// <summary>Creates the RedisRateLimiting limiter with the same limits for one identifier.</summary>
    public RateLimiter CreateRedisLimiter(string identifier, IConnectionMultiplexer redis) => Algorithm switch
    {
        RateLimitAlgorithm.FixedWindow => new RedisFixedWindowRateLimiter<string>(identifier, new RedisFixedWindowRateLimiterOptions
        {
            PermitLimit = checked((int)Limit),
            Window = Window,
            ConnectionMultiplexerFactory = () => redis,
        }),
        RateLimitAlgorithm.TokenBucket => new RedisTokenBucketRateLimiter<string>(identifier, new RedisTokenBucketRateLimiterOptions
        {
            TokenLimit = checked((int)Capacity),
            TokensPerPeriod = checked((int)TokensPerPeriod),
            ReplenishmentPeriod = Period,
            ConnectionMultiplexerFactory = () => redis,
        }),
        _ => throw new NotSupportedException($"RedisRateLimiting has no {Algorithm} limiter in this benchmark."),
    };

    private static BenchPolicy Fixed(string name, long limit, TimeSpan window) =>
        new(name, RateLimitAlgorithm.FixedWindow, limit, window, 0, 0, TimeSpan.Zero);

    private static BenchPolicy Bucket(string name, long capacity, long tokensPerPeriod, TimeSpan period) =>
        new(name, RateLimitAlgorithm.TokenBucket, 0, TimeSpan.Zero, capacity, tokensPerPeriod, period);
}
