using System.Globalization;

namespace CacheCluster.Bench.Reporting;

/// <summary>The issue-7 targets, judged on this run's same-run ratios.</summary>
internal static class Goals
{
    public static IReadOnlyList<GoalRow> Evaluate(BenchContext context)
    {
        var goals = new List<GoalRow>();
        double? Ratio(string scenario, string peer) => context.Throughput.FirstOrDefault(r => r.Scenario == scenario && r.Target == peer)?.CacheClusterRatio;
        string X(double? ratio) => ratio is { } r ? F($"{r:0.00}×") : "not run";

        var s1 = Ratio("S1", "Redis");
        goals.Add(new("S1", "≥ 1.0× Redis", X(s1), s1 >= 1.0 ? true : s1 is null ? null : false));
        var s2Redis = Ratio("S2", "Redis");
        var s2Fusion = Ratio("S2", "FusionCache");
        goals.Add(new("S2", "≥ 10× Redis and ≥ 1.0× FusionCache", $"{X(s2Redis)} Redis, {X(s2Fusion)} FusionCache", s2Redis is null || s2Fusion is null ? null : s2Redis >= 10 && s2Fusion >= 1.0));
        var s3 = Ratio("S3", "Redis");
        goals.Add(new("S3", "≥ 0.5× Redis", X(s3), s3 is null ? null : s3 >= 0.5));

        if (context.Stampede.FirstOrDefault(r => r.Target == "CacheCluster") is { } s4)
        {
            var limit = s4.FactoryMilliseconds + 50;
            goals.Add(new("S4", F($"factory runs = 1 per round and p99 ≤ {limit} ms"), F($"{s4.MaxFactoryRunsInARound} run(s) in the worst round, p99 {s4.P99Milliseconds:0.0} ms"), s4.MaxFactoryRunsInARound == 1 && s4.P99Milliseconds <= limit));
        }
        else
        {
            goals.Add(new("S4", "factory runs = 1 per round and p99 ≤ factory + 50 ms", "not run", null));
        }

        if (context.RateLimiting.Count > 0)
        {
            var worst = context.RateLimiting.MinBy(r => r.Ratio)!;
            goals.Add(new("S5", "≥ 1.5× RedisRateLimiting", F($"{worst.Ratio:0.00}× at worst ({worst.Algorithm}, {worst.Identifiers:N0} ids); best {context.RateLimiting.Max(r => r.Ratio):0.00}×"), worst.Ratio >= 1.5));
        }
        else
        {
            goals.Add(new("S5", "≥ 1.5× RedisRateLimiting", "not run", null));
        }

        var s6 = context.Invalidation.FirstOrDefault(r => r.Target == "CacheCluster");
        goals.Add(new("S6", "≤ 0.5 s (10,000 tagged entries)", s6 is null ? "not run" : F($"p50 {s6.P50Milliseconds:0} ms, p90 {s6.P90Milliseconds:0} ms"), s6 is null ? null : s6.P50Milliseconds <= 500));

        // A delta at or below zero means the silo freed more than the entries took: no measurement.
        var s7 = context.Memory.Where(r => r.Target == "CacheCluster" && r.CacheClusterRatio is not null).ToArray();
        // Issue 18's targets: ≤ 4× with every entry active, ≤ 2× once the idle activations were collected.
        var s7Valid = s7.Length > 0 && s7.All(r => r.BytesPerEntry > 0);
        goals.Add(new(
            "S7",
            "≤ 4× Redis bytes per entry all active, ≤ 2× idle",
            s7.Length == 0 ? "not run" : string.Join("; ", s7.Select(r => r.BytesPerEntry > 0 ? F($"{r.CacheClusterRatio:0.00}× ({r.Source}, {r.Entries:N0})") : F($"void: RSS shrank ({r.Entries:N0})"))),
            s7Valid ? s7.All(r => r.CacheClusterRatio <= (r.Source.Contains("idle", StringComparison.Ordinal) ? 2 : 4)) : null));
        return goals;
    }

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
