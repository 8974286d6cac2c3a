using System.Threading.RateLimiting;
using CacheCluster.Bench.Measurement;
using StackExchange.Redis;

namespace CacheCluster.Bench.RateLimiting;

/// <summary>One side of the comparison for one policy and set of identifiers: a decision function by identifier index.</summary>
internal sealed class RateLimitTarget : IDisposable
{
    public const string CacheCluster = "CacheCluster";

    public const string RedisRateLimiting = "RedisRateLimiting";

    private readonly RateLimiter[] _limiters;

    private RateLimitTarget(string name, Func<int, ValueTask<Outcome>> acquire, RateLimiter[] limiters)
    {
        Name = name;
        Acquire = acquire;
        _limiters = limiters;
    }

    public string Name { get; }

    public Func<int, ValueTask<Outcome>> Acquire { get; }

    /// <summary>Each decision is <see cref="IClusterRateLimiter.AcquireAsync"/>: one grain call through the client's gateway.</summary>
    public static RateLimitTarget ForCacheCluster(IClusterRateLimiter limiter, BenchPolicy policy, string[] identifiers)
    {
        async ValueTask<Outcome> AcquireAsync(int index)
        {
            var decision = await limiter.AcquireAsync(policy.Name, identifiers[index]);
            return decision.Degraded ? Outcome.Degraded : decision.Allowed ? Outcome.Allowed : Outcome.Limited;
        }

        return new RateLimitTarget(CacheCluster, AcquireAsync, []);
    }

    /// <summary>
    /// Each decision is <see cref="RateLimiter.AcquireAsync"/> on a RedisRateLimiting limiter built up front for the
    /// identifier (one Lua script round trip). Building them here keeps partition lookups off the timed path.
    /// </summary>
    public static RateLimitTarget ForRedisRateLimiting(IConnectionMultiplexer redis, BenchPolicy policy, string[] identifiers)
    {
        var limiters = new RateLimiter[identifiers.Length];
        for (var i = 0; i < identifiers.Length; i++)
        {
            limiters[i] = policy.CreateRedisLimiter(identifiers[i], redis);
        }

        async ValueTask<Outcome> AcquireAsync(int index)
        {
            using var lease = await limiters[index].AcquireAsync(1);
            return lease.IsAcquired ? Outcome.Allowed : Outcome.Limited;
        }

        return new RateLimitTarget(RedisRateLimiting, AcquireAsync, limiters);
    }

    public void Dispose()
    {
        foreach (var limiter in _limiters)
        {
            limiter.Dispose();
        }
    }
}
