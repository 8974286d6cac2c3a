using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CacheCluster.Bench.RateLimiting;

/// <summary>Writes an S5 report as a console table, Markdown and JSON.</summary>
internal static class RateLimitReportWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ToJson(RateLimitReport report) => JsonSerializer.Serialize(report, Json);

    public static string ToConsoleTable(RateLimitReport report)
    {
        var text = new StringBuilder();
        text.AppendLine(Invariant, $"S5 rate limiting, {report.Settings.Callers} callers, {report.Settings.Seconds:0.##} s per run ({report.Machine.ProcessorCount} cores)");
        text.AppendLine(Invariant, $"{"algorithm",-12} {"ids",7} {"target",-19} {"ops/s",10} {"p50 µs",9} {"p99 µs",9}  {"cpu µs/op bench+silo+redis",-28} {"other cores",11} {"errors",6}");
        foreach (var row in report.Throughput)
        {
            text.AppendLine(Invariant, $"{row.Algorithm,-12} {row.Identifiers,7:N0} {row.Target,-19} {row.DecisionsPerSecond,10:N0} {row.P50Microseconds,9:N0} {row.P99Microseconds,9:N0}  {Cpu(row),-28} {Cores(row.Cpu.OtherCores),11} {row.Errors + row.Degraded,6:N0}");
            if (report.Comparisons.FirstOrDefault(c => c.Algorithm == row.Algorithm && c.Identifiers == row.Identifiers) is { } comparison
                && report.Throughput.Last(r => r.Algorithm == row.Algorithm && r.Identifiers == row.Identifiers) == row)
            {
                text.AppendLine(Invariant, $"{"",-12} {"",7} {"CC / RRL",-19} {Ratio(comparison.DecisionsPerSecondRatio),10} {Ratio(comparison.P50Ratio),9} {Ratio(comparison.P99Ratio),9}");
            }
        }

        text.AppendLine(Invariant, $"other processes took {OtherCores(report)} meanwhile");
        text.AppendLine();
        text.AppendLine(Invariant, $"exactness: {report.Settings.ExactnessAttempts:N0} attempts from {report.Settings.Callers} callers on one id");
        foreach (var row in report.Exactness)
        {
            text.AppendLine(Invariant, $"{row.Algorithm,-12} {row.Target,-19} admitted {row.Admitted,6:N0} of {row.Attempts:N0} (limit {row.Expected:N0}) {(row.Exact ? "exact" : "NOT EXACT")}");
        }

        return text.ToString();
    }

    public static string ToMarkdown(RateLimitReport report)
    {
        var md = new StringBuilder();
        md.AppendLine("# S5 rate limiting: CacheCluster beside RedisRateLimiting");
        md.AppendLine();
        md.AppendLine(Invariant, $"- Started: {report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC");
        md.AppendLine(Invariant, $"- Machine: {report.Machine.Describe()}");
        md.AppendLine(Invariant, $"- Packages: {string.Join(", ", report.Machine.Packages.Select(p => $"{p.Key} {p.Value}"))}");
        md.AppendLine(Invariant, $"- Load: {report.Settings.Callers} concurrent callers in one client process; {report.Settings.Seconds:0.##} s per timed run after a pass over every identifier and {report.Settings.WarmupSeconds:0.##} s of warm-up; identifiers uniform over {report.Settings.Identifiers:N0}, or one");
        md.AppendLine(Invariant, $"- Reproduce: `{report.Command}`");
        md.AppendLine(Invariant, $"- Other work on the machine during the timed runs: {OtherCores(report)} (not part of the benchmark; much of it makes the numbers noise)");
        md.AppendLine(Invariant, $"- Valid: {(report.Valid ? "yes (no failed or degraded decision; every exactness run exact)" : "**no** (see the errors and exactness columns)")}");
        md.AppendLine();
        md.AppendLine("Policies (the same limits on both sides):");
        md.AppendLine();
        foreach (var (name, description) in report.Settings.Policies)
        {
            md.AppendLine(Invariant, $"- `{name}`: {description}");
        }

        md.AppendLine();
        md.AppendLine("## Decisions per second");
        md.AppendLine();
        md.AppendLine("CPU columns: CPU time per decision in each process during the run (bench = the client process, silo, redis-server); how busy the machine was overall; and how many cores other processes took meanwhile (work that is not part of the benchmark).");
        md.AppendLine();
        md.AppendLine("| Algorithm | Ids | Target | ops/s | × | p50 µs | p90 µs | p99 µs | max µs | CPU µs/op bench | silo | redis | machine busy | other cores | errors |");
        md.AppendLine("|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var row in report.Throughput)
        {
            var comparison = report.Comparisons.FirstOrDefault(c => c.Algorithm == row.Algorithm && c.Identifiers == row.Identifiers);
            var ratio = row.Target == RateLimiting.RateLimitTarget.CacheCluster && comparison is not null ? Ratio(comparison.DecisionsPerSecondRatio) : "1";
            md.AppendLine(Invariant,
                $"| {row.Algorithm} | {row.Identifiers:N0} | {row.Target} | {row.DecisionsPerSecond:N0} | {ratio} | {row.P50Microseconds:N0} | {row.P90Microseconds:N0} | {row.P99Microseconds:N0} | {row.MaxMicroseconds:N0} | {Number(row.Cpu.BenchMicroseconds)} | {Number(row.Cpu.SiloMicroseconds)} | {Number(row.Cpu.RedisMicroseconds)} | {Percent(row.Cpu.MachineBusy)} | {Cores(row.Cpu.OtherCores)} | {row.Errors + row.Degraded:N0} |");
        }

        md.AppendLine();
        md.AppendLine("CacheCluster ÷ RedisRateLimiting (same run):");
        md.AppendLine();
        md.AppendLine("| Algorithm | Ids | ops/s | p50 | p99 |");
        md.AppendLine("|---|--:|--:|--:|--:|");
        foreach (var c in report.Comparisons)
        {
            md.AppendLine(Invariant, $"| {c.Algorithm} | {c.Identifiers:N0} | {Ratio(c.DecisionsPerSecondRatio)} | {Ratio(c.P50Ratio)} | {Ratio(c.P99Ratio)} |");
        }

        md.AppendLine();
        md.AppendLine("## Exact admitted counts");
        md.AppendLine();
        md.AppendLine(Invariant, $"{report.Settings.ExactnessAttempts:N0} attempts from {report.Settings.Callers} concurrent callers on one fresh identifier, limit 1,000 per window (token bucket: capacity 1,000, one token a day).");
        md.AppendLine();
        md.AppendLine("| Algorithm | Target | Attempts | Admitted | Limited | Expected | Exact | Seconds |");
        md.AppendLine("|---|---|--:|--:|--:|--:|---|--:|");
        foreach (var row in report.Exactness)
        {
            md.AppendLine(Invariant, $"| {row.Algorithm} | {row.Target} | {row.Attempts:N0} | {row.Admitted:N0} | {row.Limited:N0} | {row.Expected:N0} | {(row.Exact ? "yes" : "**no**")} | {row.Seconds:0.###} |");
        }

        var failures = report.Throughput.Where(r => r.FirstError is not null).Select(r => $"{r.Target} {r.Algorithm} {r.Identifiers} ids: {r.FirstError}")
            .Concat(report.Exactness.Where(r => r.FirstError is not null).Select(r => $"{r.Target} {r.Algorithm} exactness: {r.FirstError}"))
            .ToList();
        if (failures.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## First errors");
            md.AppendLine();
            foreach (var failure in failures)
            {
                md.AppendLine(Invariant, $"- {failure}");
            }
        }

        md.AppendLine();
        md.AppendLine("## Notes");
        md.AppendLine();
        foreach (var note in report.Notes)
        {
            md.AppendLine(Invariant, $"- {note}");
        }

        return md.ToString();
    }

    private static string OtherCores(RateLimitReport report)
    {
        var others = report.Throughput.Select(r => r.Cpu.OtherCores).OfType<double>().ToList();
        return others.Count == 0
            ? "unknown"
            : string.Create(Invariant, $"{others.Average():0.00} of {report.Machine.ProcessorCount} cores on average ({others.Min():0.00} to {others.Max():0.00})");
    }

    private static string Cpu(ThroughputRow row) =>
        $"{Number(row.Cpu.BenchMicroseconds)}+{Number(row.Cpu.SiloMicroseconds)}+{Number(row.Cpu.RedisMicroseconds)}";

    private static string Ratio(double value) => double.IsFinite(value) ? string.Create(Invariant, $"{value:0.00}×") : "n/a";

    private static string Number(double? value) => value is { } v && double.IsFinite(v) ? string.Create(Invariant, $"{v:0.0}") : "–";

    private static string Percent(double? value) => value is { } v && double.IsFinite(v) ? string.Create(Invariant, $"{v * 100:0}%") : "–";

    private static string Cores(double? value) => value is { } v && double.IsFinite(v) ? string.Create(Invariant, $"{v:0.00}") : "–";
}
