using System.Globalization;
using CacheCluster.Bench.Measurement;
using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Targets;

namespace CacheCluster.Bench.Workload;

/// <summary>
/// The steps S1–S3 share: load a target's keys, then a warm-up run and a timed run with the same callers and key
/// choice for every target. Any failed or wrong operation fails the run instead of reporting numbers.
/// </summary>
internal static class TimedRun
{
    private const int LoadConcurrency = 64;

    public static async Task LoadAsync(BenchContext context, ICacheTarget target, string[] keys, KeySpace space, CancellationToken cancellationToken)
    {
        var started = context.Clock.GetTimestamp();
        var retries = new LoadRetries(context.Clock);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, keys.Length),
            new ParallelOptions { MaxDegreeOfParallelism = LoadConcurrency, CancellationToken = cancellationToken },
            async (i, ct) => await retries.SetAsync(c => target.SetAsync(keys[i], space.Value(i), c), ct));
        await VerifySampleAsync(target, keys, space, seed: 1, cancellationToken);
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  loaded {keys.Length:N0} keys into {target.Name} in {context.Clock.GetElapsedTime(started).TotalSeconds:0.0} s{retries.Suffix}"));
    }

    /// <summary>
    /// Reads every key once, checked: a read-hit scenario then starts with each target's in-process tier holding the
    /// whole key space (FusionCache and HybridCache fill theirs when a key is set; the near cache when it is read).
    /// </summary>
    public static async Task PrimeAsync(BenchContext context, ICacheTarget target, string[] keys, KeySpace space, CancellationToken cancellationToken)
    {
        var started = context.Clock.GetTimestamp();
        var read = VerifiedRead(target, keys, space, cancellationToken);
        await Parallel.ForEachAsync(
            Enumerable.Range(0, keys.Length),
            new ParallelOptions { MaxDegreeOfParallelism = LoadConcurrency, CancellationToken = cancellationToken },
            async (i, _) => await read(i));
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  read {keys.Length:N0} keys once from {target.Name} in {context.Clock.GetElapsedTime(started).TotalSeconds:0.0} s"));
    }

    /// <summary>Reads back 200 keys picked at random and fails unless each returns exactly its value.</summary>
    public static async Task VerifySampleAsync(ICacheTarget target, string[] keys, KeySpace space, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        for (var n = 0; n < 200; n++)
        {
            var i = random.Next(keys.Length);
            var data = await target.GetAsync(keys[i], cancellationToken);
            if (data is null || !space.Matches(i, data))
            {
                throw new BenchFailureException($"{target.Name} returned {(data is null ? "a miss" : "wrong bytes")} for {keys[i]}");
            }
        }
    }

    /// <summary>A read that fails unless the target returns exactly the key's value.</summary>
    public static Func<int, ValueTask<Outcome>> VerifiedRead(ICacheTarget target, string[] keys, KeySpace space, CancellationToken cancellationToken) =>
        async i =>
        {
            var data = await target.GetAsync(keys[i], cancellationToken);
            return data is not null && space.Matches(i, data)
                ? Outcome.Allowed
                : throw new BenchFailureException($"{target.Name} returned {(data is null ? "a miss" : "wrong bytes")} for {keys[i]}");
        };

    public static async Task<ThroughputRow> MeasureAsync(
        BenchContext context,
        string scenario,
        ICacheTarget target,
        Func<int, ValueTask<Outcome>> operation,
        Func<int, Func<int>> pickerFor)
    {
        var settings = context.Settings;
        var warmup = await context.Runner.RunForAsync(operation, pickerFor, settings.Callers, settings.Warmup);
        ThrowOnErrors(scenario, target, warmup);
        var cpu = new CpuMeter(context.RedisServer, context.SiloPids);
        var before = await cpu.TakeAsync();
        var result = await context.Runner.RunForAsync(operation, pickerFor, settings.Callers, settings.Duration);
        var usage = (await cpu.TakeAsync()).Since(before, result.Decisions, result.Elapsed);
        ThrowOnErrors(scenario, target, result);
        var row = new ThroughputRow(
            scenario,
            target.Name,
            target.Setup,
            result.Decisions,
            result.Elapsed.TotalSeconds,
            result.DecisionsPerSecond,
            result.PercentileMicroseconds(50),
            result.PercentileMicroseconds(99),
            result.PercentileMicroseconds(99.9),
            result.MaxMicroseconds)
        {
            Cpu = usage,
        };
        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {scenario} {target.Name}: {row.OpsPerSecond:N0} ops/s, p50 {row.P50Microseconds:N0} µs, p99 {row.P99Microseconds:N0} µs, p999 {row.P999Microseconds:N0} µs, CPU {usage.TotalMicroseconds:0.00} µs/op"));
        return row;
    }

    /// <summary>Adds the rows of one scenario to the report, each peer's with CacheCluster's ops/s divided by its own.</summary>
    public static void Record(BenchContext context, IReadOnlyList<ThroughputRow> rows)
    {
        var cluster = rows.Single(row => row.Target == "CacheCluster");
        foreach (var row in rows)
        {
            context.Throughput.Add(row == cluster ? row : row with { CacheClusterRatio = cluster.OpsPerSecond / row.OpsPerSecond });
        }
    }

    public static Func<int, Func<int>> Uniform(int count, int seed) => caller =>
    {
        var random = new Random(HashCode.Combine(seed, caller));
        return () => random.Next(count);
    };

    public static Func<int, Func<int>> Zipf(ZipfSampler sampler, int seed) => caller =>
    {
        var random = new Random(HashCode.Combine(seed, caller));
        return () => sampler.Next(random);
    };

    private static void ThrowOnErrors(string scenario, ICacheTarget target, LoadResult result)
    {
        if (result.Errors > 0 || result.Degraded > 0 || result.Decisions == 0)
        {
            throw new BenchFailureException($"{scenario} {target.Name}: {result.Errors} failed operations of {result.Decisions + result.Errors}; first: {result.FirstError ?? "none"}");
        }
    }
}
