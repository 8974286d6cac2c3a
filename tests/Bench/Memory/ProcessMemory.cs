using System.Globalization;

namespace CacheCluster.Bench.Memory;

/// <summary>Reads a process's resident set (<c>VmRSS</c> in <c>/proc/PID/status</c>) and a silo's figures from its <c>/metrics</c>.</summary>
internal static class ProcessMemory
{
    // Names the .NET runtime meter's GC heap gauge takes in Prometheus text, by exporter version.
    private static readonly string[] GcHeapMetrics = ["dotnet_gc_last_collection_heap_size_bytes", "process_runtime_dotnet_gc_heap_size_bytes", "dotnet_gc_heap_size_bytes"];

    public static long ReadRssBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            ?? throw new BenchFailureException($"no VmRSS for pid {pid}");
        // "VmRSS:	  123456 kB"
        return long.Parse(line.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>The sum of the GC heap gauge's series on one silo, or null when its <c>/metrics</c> does not export it.</summary>
    public static async Task<double?> ReadGcHeapBytesAsync(HttpClient http, string metricsUrl, CancellationToken cancellationToken)
    {
        var text = await http.GetStringAsync(new Uri(metricsUrl), cancellationToken);
        foreach (var name in GcHeapMetrics)
        {
            if (Sum(text, name, label: null) is { } sum)
            {
                return sum;
            }
        }

        return null;
    }

    /// <summary>The silo's entry activations (<c>cachecluster.entries{state="active"}</c>), or null when not exported.</summary>
    public static async Task<double?> ReadActiveEntriesAsync(HttpClient http, string metricsUrl, CancellationToken cancellationToken) =>
        Sum(await http.GetStringAsync(new Uri(metricsUrl), cancellationToken), "cachecluster_entries", "state=\"active\"");

    private static double? Sum(string text, string name, string? label)
    {
        var values = text.Split('\n')
            .Where(line => line.StartsWith(name, StringComparison.Ordinal) && (line.Length == name.Length || line[name.Length] is ' ' or '{'))
            .Where(line => label is null || line.Contains(label, StringComparison.Ordinal))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 2)
            .Select(parts => double.Parse(parts[1], CultureInfo.InvariantCulture))
            .ToArray();
        return values.Length > 0 ? values.Sum() : null;
    }
}
