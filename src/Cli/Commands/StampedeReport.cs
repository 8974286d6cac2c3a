using System.Globalization;
using System.Text.Json;
using static System.FormattableString;

namespace CacheCluster.Cli.Commands;

/// <summary>What one process saw of a stampede, written as text or as one JSON object.</summary>
internal sealed record StampedeReport
{
    public required string Key { get; init; }

    public required int Callers { get; init; }

    /// <summary>How many times the factory ran in this process; across all processes of a stampede it should be 1.</summary>
    public required int FactoryRuns { get; init; }

    /// <summary>How many callers failed with a <see cref="CacheClusterException"/>.</summary>
    public required int Errors { get; init; }

    public required IReadOnlyDictionary<string, int> ErrorMessages { get; init; }

    /// <summary>The distinct values the callers got, with how many got each.</summary>
    public required IReadOnlyDictionary<string, int> Values { get; init; }

    /// <summary>Each caller's time from its own start to its completion (failed callers included), in launch order.</summary>
    public required IReadOnlyList<TimeSpan> Latencies { get; init; }

    /// <summary>When each caller started, after the first caller's start, in launch order.</summary>
    public required IReadOnlyList<TimeSpan> Starts { get; init; }

    /// <summary>From the first caller's start to the last caller's launch.</summary>
    public required TimeSpan LaunchSpread { get; init; }

    /// <summary>From the first caller's start to the last caller's completion.</summary>
    public required TimeSpan Wall { get; init; }

    /// <summary>When each factory run here began, after the first caller's start.</summary>
    public required IReadOnlyList<TimeSpan> FactoryStarts { get; init; }

    /// <summary>When each factory run here returned its value, after the first caller's start.</summary>
    public required IReadOnlyList<TimeSpan> FactoryEnds { get; init; }

    /// <summary>The agreed start time, or <see langword="null"/> when the callers started at once.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>How long before the agreed start this process was connected and warmed up; negative when it was late.</summary>
    public TimeSpan? ReadyBeforeStart { get; init; }

    /// <summary>How late the first caller started after the agreed start time.</summary>
    public TimeSpan StartLag { get; init; }

    /// <summary>How long the warm-up call on a key of its own took, or <see langword="null"/> without warm-up.</summary>
    public TimeSpan? Warmup { get; init; }

    /// <summary>The CPU time this process used up to the report (start-up and connection included).</summary>
    public TimeSpan ProcessCpu { get; init; }

    public void WriteText(TextWriter output)
    {
        var sorted = Sorted();
        output.WriteLine(Invariant($"key: {Key}"));
        output.WriteLine(Invariant($"callers: {Callers}"));
        output.WriteLine(Invariant($"factory runs: {FactoryRuns}"));
        output.WriteLine(Invariant($"errors: {Errors}"));
        foreach (var (message, count) in ErrorMessages)
        {
            output.WriteLine(Invariant($"  {count,6}  {message}"));
        }

        output.WriteLine(Invariant($"latency ms: p50 {Ms(Percentile(sorted, 0.50))}  p90 {Ms(Percentile(sorted, 0.90))}  p99 {Ms(Percentile(sorted, 0.99))}  max {Ms(Percentile(sorted, 1))}"));
        output.WriteLine(Invariant($"launch spread ms: {Ms(LaunchSpread)}  wall ms: {Ms(Wall)}  start lag ms: {Ms(StartLag)}  process cpu ms: {Ms(ProcessCpu)}"));
        output.WriteLine(Invariant($"factory started at ms: {string.Join(", ", FactoryStarts.Select(Ms))}; returned at ms: {string.Join(", ", FactoryEnds.Select(Ms))}"));
        output.WriteLine(Invariant($"distinct values: {Values.Count}"));
        foreach (var (value, count) in Values)
        {
            output.WriteLine(Invariant($"  {count,6}  {value}"));
        }
    }

    public async Task WriteJsonAsync(Stream output, bool includeLatencies, CancellationToken cancellationToken)
    {
        var sorted = Sorted();
        await using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("key", Key);
        json.WriteNumber("processId", Environment.ProcessId);
        json.WriteNumber("callers", Callers);
        json.WriteNumber("factoryRuns", FactoryRuns);
        json.WriteNumber("errors", Errors);
        WriteCounts(json, "errorMessages", ErrorMessages);
        json.WriteNumber("p50Ms", Round(Percentile(sorted, 0.50)));
        json.WriteNumber("p90Ms", Round(Percentile(sorted, 0.90)));
        json.WriteNumber("p99Ms", Round(Percentile(sorted, 0.99)));
        json.WriteNumber("maxMs", Round(Percentile(sorted, 1)));
        json.WriteNumber("minMs", Round(sorted.Length == 0 ? TimeSpan.Zero : sorted[0]));
        WriteCounts(json, "values", Values);
        json.WriteNumber("launchSpreadMs", Round(LaunchSpread));
        json.WriteNumber("wallMs", Round(Wall));
        json.WriteStartArray("factoryStartedAtMs");
        foreach (var start in FactoryStarts)
        {
            json.WriteNumberValue(Round(start));
        }

        json.WriteEndArray();
        json.WriteStartArray("factoryReturnedAtMs");
        foreach (var end in FactoryEnds)
        {
            json.WriteNumberValue(Round(end));
        }

        json.WriteEndArray();
        if (StartAt is { } startAt)
        {
            json.WriteNumber("startAtUnixMs", startAt.ToUnixTimeMilliseconds());
        }
        else
        {
            json.WriteNull("startAtUnixMs");
        }

        if (ReadyBeforeStart is { } ready)
        {
            json.WriteNumber("readyBeforeStartMs", Round(ready));
        }
        else
        {
            json.WriteNull("readyBeforeStartMs");
        }

        json.WriteNumber("startLagMs", Round(StartLag));
        if (Warmup is { } warmup)
        {
            json.WriteNumber("warmupMs", Round(warmup));
        }
        else
        {
            json.WriteNull("warmupMs");
        }

        json.WriteNumber("processCpuMs", Round(ProcessCpu));
        if (includeLatencies)
        {
            json.WriteStartArray("latenciesMs");
            foreach (var latency in Latencies)
            {
                json.WriteNumberValue(Round(latency));
            }

            json.WriteEndArray();
            json.WriteStartArray("startOffsetsMs");
            foreach (var start in Starts)
            {
                json.WriteNumberValue(Round(start));
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        await output.WriteAsync("\n"u8.ToArray(), cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>The nearest-rank percentile: the smallest value at or above <paramref name="fraction"/> of the sorted values.</summary>
    public static TimeSpan Percentile(TimeSpan[] sorted, double fraction)
    {
        if (sorted.Length == 0)
        {
            return TimeSpan.Zero;
        }

        var rank = (int)Math.Ceiling(fraction * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private TimeSpan[] Sorted()
    {
        var sorted = Latencies.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    private static void WriteCounts(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, int> counts)
    {
        json.WriteStartObject(name);
        foreach (var (text, count) in counts)
        {
            json.WriteNumber(text, count);
        }

        json.WriteEndObject();
    }

    private static double Round(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);

    private static string Ms(TimeSpan duration) => Round(duration).ToString("0.0", CultureInfo.InvariantCulture);
}
