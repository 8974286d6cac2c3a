using System.Globalization;
using System.Text.Json;

namespace CacheCluster.Cli.Commands;

/// <summary>
/// Prints the answers of <c>/v1/cluster</c>, <c>/hotkeys</c> and <c>/slowlog</c> as text: <c>name:value</c> lines like
/// Redis' <c>INFO</c>, one block per silo, so that they can be grepped and diffed.
/// </summary>
internal static class ClusterReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The totals' lines, in order: <c>cachecluster stats</c>.</summary>
    private static readonly (string Name, string Property)[] TotalLines =
    [
        ("active_silos", "activeSilos"), ("reporting_silos", "reportingSilos"), ("active_entries", "activeEntries"),
        ("resident_records", "residentRecords"), ("rss_bytes", "rssBytes"), ("keyspace_hits", "hits"), ("keyspace_misses", "misses"),
        ("hit_ratio", "hitRatio"), ("ops_per_sec", "opsPerSecond"), ("evicted_keys", "evictions"), ("leases_in_flight", "leasesInFlight"),
        ("ratelimit_allowed", "rateLimitAllowed"), ("ratelimit_limited", "rateLimitLimited"),
        ("invalidation_pending", "invalidationPending"), ("invalidation_lag_seconds", "invalidationLagSeconds"), ("slowlog_len", "slowOperations"),
    ];

    private static readonly (string Name, string Property)[] FigureLines =
    [
        ("active_entries", "activeEntries"), ("resident_records", "residentRecords"), ("rss_bytes", "rssBytes"), ("maxmemory_bytes", "maxMemoryBytes"),
        ("keyspace_hits", "hits"), ("keyspace_misses", "misses"), ("hit_ratio", "hitRatio"), ("ops_per_sec", "opsPerSecond"),
        ("evicted_keys", "evictions"), ("leases_in_flight", "leasesInFlight"), ("ratelimit_allowed", "rateLimitAllowed"),
        ("ratelimit_limited", "rateLimitLimited"), ("slowlog_len", "slowOperations"),
    ];

    public static void Json(TextWriter output, JsonDocument document) =>
        output.WriteLine(JsonSerializer.Serialize(document.RootElement, Indented));

    /// <summary><c>cachecluster cluster</c>: a block per silo.</summary>
    public static void Silos(TextWriter output, JsonElement status)
    {
        var first = true;
        foreach (var silo in status.GetProperty("silos").EnumerateArray())
        {
            if (!first)
            {
                output.WriteLine();
            }

            first = false;
            output.WriteLine($"# silo {Text(silo, "silo")}");
            output.WriteLine($"status:{Text(silo, "status")}");
            output.WriteLine($"gateway:{Text(silo, "gateway")}");
            output.WriteLine($"http:{Text(silo, "http")}");
            output.WriteLine($"version:{Text(silo, "version")}");
            output.WriteLine($"started_at:{Text(silo, "startedAt")}");
            output.WriteLine($"uptime_seconds:{Value(silo, "uptimeSeconds")}");
            if (silo.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
            {
                output.WriteLine($"error:{error.GetString()}");
            }

            if (!silo.TryGetProperty("figures", out var figures) || figures.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var (name, property) in FigureLines)
            {
                output.WriteLine($"{name}:{Value(figures, property)}");
            }

            var partitions = figures.GetProperty("invalidation").EnumerateArray()
                .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.GetProperty("partition").GetInt32()}={p.GetProperty("pending").GetInt64()}/{p.GetProperty("lagSeconds").GetDouble():0.###}s"));
            output.WriteLine($"invalidation_pending_lag:{string.Join(',', partitions)}");
        }
    }

    /// <summary><c>cachecluster stats</c>: the cluster's totals, one <c>name:value</c> line each.</summary>
    public static void Totals(TextWriter output, JsonElement status)
    {
        var totals = status.GetProperty("totals");
        foreach (var (name, property) in TotalLines)
        {
            output.WriteLine($"{name}:{Value(totals, property)}");
        }
    }

    /// <summary><c>cachecluster hotkeys</c>: rank, estimated count, key.</summary>
    public static void HotKeys(TextWriter output, JsonElement keys)
    {
        var rank = 0;
        foreach (var key in keys.EnumerateArray())
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{++rank}) {key.GetProperty("count").GetInt64()} {key.GetProperty("key").GetString()}"));
        }
    }

    /// <summary><c>cachecluster slowlog</c>: time, duration, phase, operation, key (or hash), silo.</summary>
    public static void SlowLog(TextWriter output, JsonElement operations)
    {
        foreach (var operation in operations.EnumerateArray())
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{Text(operation, "at")} {operation.GetProperty("durationMs").GetDouble():0.###}ms {Text(operation, "phase")} {Text(operation, "operation")} {Text(operation, "key")} {Text(operation, "silo")}"));
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : string.Empty;

    private static string Value(JsonElement element, string property) =>
        !element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null ? string.Empty
            : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var whole) ? whole.ToString(CultureInfo.InvariantCulture)
            : value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture)
            : value.ToString();
}
