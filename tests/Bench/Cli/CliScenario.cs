using System.Globalization;

namespace CacheCluster.Bench.Cli;

/// <summary>
/// The CLI next to redis-cli (issue 16): the wall time of a whole <c>cachecluster get KEY</c> process, start-up
/// included, over the silo's HTTP API and over the Orleans gateway, and of <c>redis-cli GET KEY</c> against Redis;
/// then a call to a closed URL, which must fail fast. Every call's exit code and answer are checked.
/// </summary>
internal static class CliScenario
{
    private const string Value = "cli-bench-value";

    public static async Task<IReadOnlyList<CliRow>> RunAsync(CliBenchSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var clock = TimeProvider.System;
        var key = $"bench:cli:{Guid.NewGuid():N}";
        var (redisHost, redisPort) = SplitEndpoint(settings.Redis);
        string[] http = [settings.CliDll, "--url", settings.Url];
        string[] gateway = [settings.CliDll, "--gateway", settings.Gateway, "--cluster-id", settings.ClusterId, "--service-id", settings.ServiceId];
        string[] redis = ["-h", redisHost, "-p", redisPort];

        await ExpectAsync(clock, "dotnet", [.. http, "set", key, Value], 0, null, cancellationToken);
        await ExpectAsync(clock, "redis-cli", [.. redis, "SET", key, Value], 0, "OK", cancellationToken);

        var targets = new (string Name, string FileName, string[] Arguments, int ExitCode, string? Output)[]
        {
            ("redis-cli GET", "redis-cli", [.. redis, "GET", key], 0, Value),
            ("cachecluster get, HTTP API (--url)", "dotnet", [.. http, "get", key], 0, Value),
            ("cachecluster get, Orleans gateway (--gateway)", "dotnet", [.. gateway, "get", key], 0, Value),
            ("cachecluster get, closed URL (exit 3)", "dotnet", [settings.CliDll, "--url", $"http://127.0.0.1:{settings.ClosedPort.ToString(CultureInfo.InvariantCulture)}", "get", key], 3, null),
        };

        var rows = new List<CliRow>();
        foreach (var (name, fileName, arguments, exitCode, output) in targets)
        {
            // One unmeasured call first: the files are in the page cache for every measured one.
            await ExpectAsync(clock, fileName, arguments, exitCode, output, cancellationToken);
            var times = new List<double>();
            for (var i = 0; i < settings.Calls; i++)
            {
                times.Add((await ExpectAsync(clock, fileName, arguments, exitCode, output, cancellationToken)).TotalMilliseconds);
            }

            times.Sort();
            var row = new CliRow(name, settings.Calls, Percentile(times, 0.50), Percentile(times, 0.95), times[0], times[^1]);
            rows.Add(row);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: median {row.MedianMs:0} ms, p95 {row.P95Ms:0} ms"));
        }

        await ExpectAsync(clock, "redis-cli", [.. redis, "DEL", key], 0, null, cancellationToken);
        await ExpectAsync(clock, "dotnet", [.. http, "del", key], 0, null, cancellationToken);
        return rows;
    }

    private static async Task<TimeSpan> ExpectAsync(TimeProvider clock, string fileName, string[] arguments, int exitCode, string? output, CancellationToken cancellationToken)
    {
        var (exit, stdout, stderr, elapsed) = await TimedProcess.RunAsync(clock, fileName, arguments, cancellationToken);
        if (exit != exitCode || (output is not null && stdout.TrimEnd('\n') != output))
        {
            throw new BenchFailureException($"{fileName} {string.Join(' ', arguments)} exited {exit} (expected {exitCode}) with '{stdout.Trim()}' '{stderr.Trim()}'");
        }

        return elapsed;
    }

    /// <summary>Nearest rank: the smallest time with at least <paramref name="fraction"/> of the calls at or below it.</summary>
    private static double Percentile(List<double> sorted, double fraction) =>
        sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Count) - 1)];

    private static (string Host, string Port) SplitEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return colon < 0 ? (endpoint, "6379") : (endpoint[..colon], endpoint[(colon + 1)..]);
    }
}
