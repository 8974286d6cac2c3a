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
        Line(text, $"`{report.Command}`: {report.Silos} silo(s) in Redis mode, one private redis-server (AOF on, appendfsync everysec, no automatic AOF rewrite), this client process; {report.WallSeconds:0} s in all ({string.Join(", ", report.ScenarioSeconds.Select(p => $"{p.Key} {p.Value:0} s"))}).");
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
            text.AppendLine("CacheCluster ÷ peer is CacheCluster's ops/s divided by the peer's, in the same run. CPU is µs per operation of the timed run, this process + silo(s) + redis-server (from /proc and INFO cpu).");
            text.AppendLine();
            text.AppendLine("| scenario | target | ops/s | p50 µs | p99 µs | p999 µs | CPU µs/op (bench+silo+redis) | CacheCluster ÷ peer |");
            text.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|");
            foreach (var row in report.Throughput)
            {
                Line(text, $"| {row.Scenario} | {row.Target} | {row.OpsPerSecond:N0} | {row.P50Microseconds:N1} | {row.P99Microseconds:N1} | {row.P999Microseconds:N1} | {Cpu(row.Cpu)} | {(row.CacheClusterRatio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "")} |");
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
                Line(text, $"| {row.Target} | {row.Measurement} | {row.Entries:N0} | {row.Runs} | {Ms(row.P50Milliseconds)} | {Ms(row.P90Milliseconds)} |");
            }

            foreach (var row in report.Invalidation.Where(r => r.Note is not null))
            {
                text.AppendLine();
                Line(text, $"- {row.Target}, {row.Measurement}: {row.Note}");
            }
        }

        if (report.HybridComparison.Count > 0)
        {
            text.AppendLine();
            Line(text, $"## {HybridComparisonRow.CacheClusterTarget} ÷ Microsoft {HybridComparisonRow.MicrosoftTarget} (issue 14, same run)");
            text.AppendLine();
            text.AppendLine("Both with the same entry options (Expiration and LocalCacheExpiration 1 h, the same tags), values read back and checked. Microsoft's: memory L1 + Redis L2 on the run's redis-server; CacheCluster's: the tracked near cache + the cluster.");
            text.AppendLine();
            text.AppendLine("| scenario | figure | CacheCluster HybridCache | Microsoft HybridCache | CacheCluster ÷ Microsoft | better | note |");
            text.AppendLine("|---|---|--:|--:|--:|---|---|");
            foreach (var row in report.HybridComparison)
            {
                Line(text, $"| {row.Scenario} | {row.Measure} ({row.Unit}) | {Figure(row.CacheCluster)} | {Figure(row.Microsoft)} | {(row.Ratio is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) + "×" : "—")} | {row.Better} | {row.Note} |");
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

    private static string Cpu(Measurement.CpuUsage? cpu) => cpu is null
        ? ""
        : string.Create(CultureInfo.InvariantCulture, $"{cpu.TotalMicroseconds:0.00} ({cpu.BenchMicroseconds:0.00}+{cpu.SiloMicroseconds?.ToString("0.00", CultureInfo.InvariantCulture) ?? "?"}+{cpu.RedisMicroseconds?.ToString("0.00", CultureInfo.InvariantCulture) ?? "?"})");

    private static string Ms(double milliseconds) => double.IsNaN(milliseconds) ? "not seen" : milliseconds.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Figure(double? value) => value switch
    {
        null => "not reached",
        >= 1000 => value.Value.ToString("N0", CultureInfo.InvariantCulture),
        _ => value.Value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
