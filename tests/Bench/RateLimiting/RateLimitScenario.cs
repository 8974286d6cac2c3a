using System.Globalization;
using System.Text.Json;
using CacheCluster.Bench.Reporting;
using CacheCluster.Bench.Stampede;

namespace CacheCluster.Bench.RateLimiting;

/// <summary>
/// S5: runs this tool's <c>ratelimit</c> subcommand as a child process on the same silos and Redis (its own report
/// files land beside the combined one) and reads its comparisons back from the JSON it wrote.
/// </summary>
internal static class RateLimitScenario
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    public static async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        context.Log.WriteLine("S5 rate limiting: the ratelimit subcommand (CacheCluster beside RedisRateLimiting)");
        var arguments = new List<string> { "ratelimit", "--redis", context.RedisEndpoint, "--cluster-id", context.ClusterId, "--service-id", context.ServiceId, "--out", context.OutputDirectory };
        foreach (var gateway in context.Gateways)
        {
            arguments.AddRange(["--gateway", gateway]);
        }

        if (context.SiloPids.Count > 0)
        {
            arguments.AddRange(["--silo-pid", context.SiloPids[0].ToString(CultureInfo.InvariantCulture)]);
        }

        if (context.Settings.Quick)
        {
            arguments.AddRange(["--quick", "--seconds", "1"]);
        }

        arguments.AddRange(["--command", context.Command]);
        var (exit, output, error) = await ChildProcess.RunAsync(context.BenchDll, arguments, Timeout, cancellationToken);
        if (exit != 0)
        {
            throw new BenchFailureException($"S5: ratelimit exited {exit}: {error.Trim()}");
        }

        // "wrote bench/results/ratelimit-….json and ….md"
        var wrote = output.Split('\n').LastOrDefault(line => line.StartsWith("wrote ", StringComparison.Ordinal))
            ?? throw new BenchFailureException("S5: ratelimit did not say where it wrote its report");
        var path = wrote["wrote ".Length..wrote.IndexOf(" and ", StringComparison.Ordinal)];
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken));
        var root = document.RootElement;
        if (!root.GetProperty("valid").GetBoolean())
        {
            throw new BenchFailureException($"S5: {path} is not a valid run");
        }

        var throughput = root.GetProperty("throughput").EnumerateArray().ToArray();
        JsonElement Run(string target, string algorithm, int identifiers) => throughput.Single(t =>
            t.GetProperty("target").GetString() == target && t.GetProperty("algorithm").GetString() == algorithm && t.GetProperty("identifiers").GetInt32() == identifiers);

        foreach (var comparison in root.GetProperty("comparisons").EnumerateArray())
        {
            var algorithm = comparison.GetProperty("algorithm").GetString()!;
            var identifiers = comparison.GetProperty("identifiers").GetInt32();
            var cluster = Run("CacheCluster", algorithm, identifiers);
            var peer = Run("RedisRateLimiting", algorithm, identifiers);
            var row = new RateLimitRow(
                algorithm,
                identifiers,
                cluster.GetProperty("decisionsPerSecond").GetDouble(),
                peer.GetProperty("decisionsPerSecond").GetDouble(),
                comparison.GetProperty("decisionsPerSecondRatio").GetDouble(),
                cluster.GetProperty("p99Microseconds").GetDouble(),
                peer.GetProperty("p99Microseconds").GetDouble());
            context.RateLimiting.Add(row);
            context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S5 {algorithm}, {identifiers:N0} id(s): CacheCluster {row.CacheClusterDecisionsPerSecond:N0}/s, RedisRateLimiting {row.RedisRateLimitingDecisionsPerSecond:N0}/s, ×{row.Ratio:0.00}"));
        }

        context.Notes.Add($"S5: full figures (CPU per decision, exactness) in {path} and its .md.");
    }
}
