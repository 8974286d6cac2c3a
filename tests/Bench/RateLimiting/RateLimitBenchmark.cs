using System.Globalization;
using CacheCluster.Bench.Measurement;
using CacheCluster.Bench.Reporting;
using StackExchange.Redis;

namespace CacheCluster.Bench.RateLimiting;

/// <summary>
/// S5: decisions per second from one client at many concurrent callers, CacheCluster's <see cref="IClusterRateLimiter"/>
/// beside the same algorithm in RedisRateLimiting on the same Redis, then exact admitted counts under contention.
/// </summary>
internal sealed class RateLimitBenchmark(
    IClusterRateLimiter cluster,
    IConnectionMultiplexer redis,
    IServer monitor,
    RateLimitBenchSettings settings,
    TimeProvider clock,
    TextWriter progress)
{
    private readonly LoadRunner _runner = new(clock);

    public async Task<RateLimitReport> RunAsync()
    {
        var startedAt = clock.GetUtcNow();
        var machine = await MachineInfo.ReadAsync(monitor);
        var cpu = new CpuMeter(monitor, settings.SiloPid);

        // A tag per run keeps every limiter fresh: no state from an earlier run on the same silo or Redis.
        var run = string.Create(CultureInfo.InvariantCulture, $"s5-{startedAt.ToUnixTimeMilliseconds():x}-{Environment.ProcessId}");
        await VerifySiloPoliciesAsync(run);

        var throughput = new List<ThroughputRow>();
        var comparisons = new List<ThroughputComparison>();
        var pair = 0;
        foreach (var policy in new[] { BenchPolicy.FixedWindowThroughput, BenchPolicy.TokenBucketThroughput })
        {
            foreach (var count in new[] { settings.Identifiers, 1 }.Distinct())
            {
                var identifiers = Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"{run}-n{count}-{i}")).ToArray();
                using var cacheCluster = RateLimitTarget.ForCacheCluster(cluster, policy, identifiers);
                using var redisRateLimiting = RateLimitTarget.ForRedisRateLimiting(redis, policy, identifiers);

                // Alternate which side goes first, so drift in the machine's load does not always favour one.
                RateLimitTarget[] targets = pair++ % 2 == 0 ? [cacheCluster, redisRateLimiting] : [redisRateLimiting, cacheCluster];
                foreach (var target in targets)
                {
                    progress.WriteLine($"warm-up   {policy.Algorithm,-12} {count,6:N0} ids  {target.Name}");
                    await _runner.RunCountAsync(target.Acquire, count, settings.Callers, count);
                    await _runner.RunForAsync(target.Acquire, count, settings.Callers, settings.Warmup, seed: pair);
                }

                var rows = new Dictionary<string, ThroughputRow>(StringComparer.Ordinal);
                foreach (var target in targets)
                {
                    var before = await cpu.TakeAsync();
                    var result = await _runner.RunForAsync(target.Acquire, count, settings.Callers, settings.Duration, seed: pair);
                    var usage = (await cpu.TakeAsync()).Since(before, result.Decisions, result.Elapsed);
                    var row = ToRow(policy, count, target.Name, result, usage);
                    rows[target.Name] = row;
                    progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"measured  {policy.Algorithm,-12} {count,6:N0} ids  {target.Name,-18} {row.DecisionsPerSecond,10:N0} ops/s  p50 {row.P50Microseconds:N0} µs  p99 {row.P99Microseconds:N0} µs"));
                }

                throughput.Add(rows[RateLimitTarget.CacheCluster]);
                throughput.Add(rows[RateLimitTarget.RedisRateLimiting]);
                comparisons.Add(Compare(rows[RateLimitTarget.CacheCluster], rows[RateLimitTarget.RedisRateLimiting]));
            }
        }

        var exactness = new List<ExactnessRow>();
        foreach (var policy in new[] { BenchPolicy.FixedWindowExact, BenchPolicy.TokenBucketExact })
        {
            string[] identifier = [string.Create(CultureInfo.InvariantCulture, $"{run}-exact")];
            using var cacheCluster = RateLimitTarget.ForCacheCluster(cluster, policy, identifier);
            using var redisRateLimiting = RateLimitTarget.ForRedisRateLimiting(redis, policy, identifier);
            foreach (var target in new[] { cacheCluster, redisRateLimiting })
            {
                var result = await _runner.RunCountAsync(target.Acquire, 1, settings.Callers, settings.ExactnessAttempts);
                var row = new ExactnessRow(policy.Algorithm.ToString(), target.Name, policy.Name, settings.Callers, settings.ExactnessAttempts, policy.MaxPermits,
                    result.Allowed, result.Limited, result.Degraded, result.Errors, result.Elapsed.TotalSeconds, result.FirstError);
                exactness.Add(row);
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"exactness {policy.Algorithm,-12} {target.Name,-18} admitted {row.Admitted:N0} of {row.Attempts:N0} (limit {row.Expected:N0})"));
            }
        }

        var policies = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var policy in BenchPolicy.All)
        {
            policies[policy.Name] = policy.Describe();
        }

        return new RateLimitReport(
            "S5 rate limiting",
            startedAt,
            settings.Command,
            machine,
            new RateLimitRunSettings(settings.Callers, settings.Duration.TotalSeconds, settings.Warmup.TotalSeconds, settings.Identifiers, settings.ExactnessAttempts, policies),
            throughput,
            comparisons,
            exactness,
            Notes);
    }

    private static IReadOnlyList<string> Notes { get; } =
    [
        "CacheCluster: each decision is one Orleans grain call (client → gateway silo → RateLimiterGrain `{policy}/{id}`), except that decisions for a limiter that already has a call on its way wait and go together in its next call (decided in one turn, in order; no timer); each is decided in the grain's memory; the grain checkpoints its state to Redis at most once per `RateLimitCheckpointInterval` (default 1 s), so Redis sees at most one write per active limiter per second, off the decision path.",
        "RedisRateLimiting: each decision is one `EVALSHA` round trip (fixed window: two GETs, then INCRBY; token bucket: MGET, then two SETs) over one shared ConnectionMultiplexer; limiters are built once per identifier before timing, so no PartitionedRateLimiter lookup is on the timed path. Every admitted decision is in Redis before it is answered.",
        "Semantics differ slightly: CacheCluster's fixed windows are aligned to the epoch, RedisRateLimiting's start at a key's first request; CacheCluster's token bucket refills continuously, RedisRateLimiting's in whole periods. The throughput limits are high enough that every decision is allowed on both sides.",
        "The client, the silo and redis-server share the machine's cores, so each side's throughput is bounded by the CPU all of its processes need per decision (the CPU columns). The machine is noisy: only same-run ratios mean anything.",
    ];

    private async Task VerifySiloPoliciesAsync(string run)
    {
        foreach (var policy in BenchPolicy.All)
        {
            RateLimitDecision decision;
            try
            {
                decision = await cluster.AcquireAsync(policy.Name, $"{run}-probe", permits: 0);
            }
            catch (UnknownRateLimitPolicyException ex)
            {
                throw new InvalidOperationException(
                    $"The silo has no policy '{policy.Name}' ({ex.Message}). Start it with the arguments `CacheCluster.Bench ratelimit-silo-args` prints.", ex);
            }

            if (decision.Degraded)
            {
                throw new InvalidOperationException($"The cluster did not answer for policy '{policy.Name}'.");
            }

            if (decision.Limit != policy.MaxPermits || decision.WindowSeconds != policy.SpanSeconds)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"The silo's policy '{policy.Name}' has limit {decision.Limit} over {decision.WindowSeconds} s; the benchmark expects {policy.MaxPermits} over {policy.SpanSeconds} s ({policy.Describe()}). Start the silo with the arguments `CacheCluster.Bench ratelimit-silo-args` prints."));
            }
        }
    }

    private static ThroughputRow ToRow(BenchPolicy policy, int identifiers, string target, LoadResult result, CpuUsage cpu) => new(
        policy.Algorithm.ToString(),
        identifiers,
        target,
        policy.Name,
        result.Decisions,
        result.Elapsed.TotalSeconds,
        result.DecisionsPerSecond,
        result.PercentileMicroseconds(50),
        result.PercentileMicroseconds(90),
        result.PercentileMicroseconds(99),
        result.MaxMicroseconds,
        result.Allowed,
        result.Limited,
        result.Degraded,
        result.Errors,
        result.FirstError,
        cpu);

    private static ThroughputComparison Compare(ThroughputRow cacheCluster, ThroughputRow redisRateLimiting) => new(
        cacheCluster.Algorithm,
        cacheCluster.Identifiers,
        cacheCluster.DecisionsPerSecond / redisRateLimiting.DecisionsPerSecond,
        cacheCluster.P50Microseconds / redisRateLimiting.P50Microseconds,
        cacheCluster.P99Microseconds / redisRateLimiting.P99Microseconds);
}
