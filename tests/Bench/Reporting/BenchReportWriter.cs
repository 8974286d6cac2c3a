using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace CacheCluster.Bench.Reporting;

/// <summary>Writes an <c>all</c> report as indented JSON and as Markdown (also printed to the console).</summary>
internal static class BenchReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToJson(BenchReport report) => JsonSerializer.Serialize(report, Json);

    public static string ToMarkdown(BenchReport report)
    {
        var text = new StringBuilder();
        Line(text, $"# CacheCluster benchmarks, {report.StartedAt:yyyy-MM-dd HH:mm} UTC ({report.Mode})");
        text.AppendLine();
        Line(text, $"`{report.Command}`: {report.Silos} silo(s) in Redis mode, one private redis-server (AOF on, appendfsync everysec), this client process; {report.WallSeconds:0} s in all ({string.Join(", ", report.ScenarioSeconds.Select(p => $"{p.Key} {p.Value:0} s"))}).");
        Line(text, $"Machine: {report.Machine.Describe()}. Packages: {string.Join(", ", report.Machine.Packages.Concat(report.PeerPackages).Select(p => $"{p.Key} {p.Value}"))}.");
        text.AppendLine();
        text.AppendLine("Only same-run ratios mean much here: the machine is shared and absolute figures move by ±50 % between runs.");
        text.AppendLine();

        text.AppendLine("## Targets (issue 7)");
        text.AppendLine();
        text.AppendLine("| scenario | target | measured | met |");
        text.AppendLine("|---|---|---|---|");
        foreach (var goal in report.Goals)
        {
            Line(text, $"| {goal.Scenario} | {goal.Goal} | {goal.Measured} | {goal.Met switch { true => "yes", false => "**no**", null => "not run" }} |");
        }

        if (report.Throughput.Count > 0)
        {
            text.AppendLine();
            Line(text, $"## S1–S3 throughput ({report.Settings.Callers} callers, {report.Settings.Keys:N0} keys of {report.Settings.ValueBytes} B, {report.Settings.Duration.TotalSeconds:0} s after {report.Settings.Warmup.TotalSeconds:0} s warm-up)");
            text.AppendLine();
            text.AppendLine("CacheCluster ÷ peer is CacheCluster's ops/s divided by the peer's, in the same run.");
            text.AppendLine();
            text.AppendLine("| scenario | target | ops/s | p50 µs | p99 µs | p999 µs | CacheCluster ÷ peer |");
            text.AppendLine("|---|---|--:|--:|--:|--:|--:|");
            foreach (var row in report.Throughput)
            {
                Line(text, $"| {row.Scenario} | {row.Target} | {row.OpsPerSecond:N0} | {row.P50Microseconds:N1} | {row.P99Microseconds:N1} | {row.P999Microseconds:N1} | {(row.CacheClusterRatio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "")} |");
            }

            text.AppendLine();
            foreach (var row in report.Throughput)
            {
                Line(text, $"- {row.Scenario} {row.Target}: {row.Setup}");
            }
        }

        if (report.Stampede.Count > 0)
        {
            var first = report.Stampede[0];
            text.AppendLine();
            Line(text, $"## S4 stampede ({first.Processes} processes × {first.CallersPerProcess} callers, one cold key, factory {first.FactoryMilliseconds} ms, {first.Rounds} round(s))");
            text.AppendLine();
            text.AppendLine("| target | factory runs / round | worst round | p50 ms | p99 ms | max ms |");
            text.AppendLine("|---|--:|--:|--:|--:|--:|");
            foreach (var row in report.Stampede)
            {
                Line(text, $"| {row.Target} | {row.FactoryRunsPerRound:0.##} | {row.MaxFactoryRunsInARound} | {row.P50Milliseconds:0.0} | {row.P99Milliseconds:0.0} | {row.MaxMilliseconds:0.0} |");
            }
        }

        if (report.RateLimiting.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## S5 rate limiting (decisions/s)");
            text.AppendLine();
            text.AppendLine("| algorithm | ids | CacheCluster | RedisRateLimiting | CacheCluster ÷ peer | p99 µs CacheCluster | p99 µs RedisRateLimiting |");
            text.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
            foreach (var row in report.RateLimiting)
            {
                Line(text, $"| {row.Algorithm} | {row.Identifiers:N0} | {row.CacheClusterDecisionsPerSecond:N0} | {row.RedisRateLimitingDecisionsPerSecond:N0} | {row.Ratio:0.00}× | {row.CacheClusterP99Microseconds:N0} | {row.RedisRateLimitingP99Microseconds:N0} |");
            }
        }

        if (report.Invalidation.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## S6 invalidation");
            text.AppendLine();
            text.AppendLine("| target | measurement | entries | runs | p50 ms | p90 ms |");
            text.AppendLine("|---|---|--:|--:|--:|--:|");
            foreach (var row in report.Invalidation)
            {
                Line(text, $"| {row.Target} | {row.Measurement} | {row.Entries:N0} | {row.Runs} | {row.P50Milliseconds:0.0} | {row.P90Milliseconds:0.0} |");
            }
        }

        if (report.Memory.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## S7 memory (11 B keys, 100 B values, no TTL)");
            text.AppendLine();
            text.AppendLine("| target | source | entries | bytes/entry | ÷ Redis |");
            text.AppendLine("|---|---|--:|--:|--:|");
            foreach (var row in report.Memory)
            {
                Line(text, $"| {row.Target} | {row.Source} | {row.Entries:N0} | {row.BytesPerEntry:N0} | {(row.CacheClusterRatio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "")} |");
            }
        }

        if (report.Notes.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("## Notes");
            text.AppendLine();
            foreach (var note in report.Notes)
            {
                Line(text, $"- {note}");
            }
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
