using System.Text.Json;

namespace CacheCluster.Bench.Stampede;

/// <summary>
/// What one stampede process printed, in the JSON of <c>cachecluster stampede --json --latencies</c>, which
/// <c>stampede-peer</c> writes too: factory runs, errors, how long before the start it was ready, each latency, values.
/// </summary>
internal sealed record StampedeProcessReport(int FactoryRuns, int Errors, double? ReadyBeforeStartMs, IReadOnlyList<double> LatenciesMs, IReadOnlyDictionary<string, int> Values)
{
    public static StampedeProcessReport Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var ready = root.GetProperty("readyBeforeStartMs");
        return new StampedeProcessReport(
            root.GetProperty("factoryRuns").GetInt32(),
            root.GetProperty("errors").GetInt32(),
            ready.ValueKind == JsonValueKind.Number ? ready.GetDouble() : null,
            root.GetProperty("latenciesMs").EnumerateArray().Select(e => e.GetDouble()).ToArray(),
            root.GetProperty("values").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal));
    }
}
