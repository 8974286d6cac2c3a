using System.Globalization;
using CacheCluster.Bench.Reporting;

namespace CacheCluster.Bench.Stampede;

/// <summary>
/// S4: rounds of N processes × M callers doing GetOrSet on one cold key with a slow factory, all released at one
/// wall-clock instant. CacheCluster's processes are <c>cachecluster stampede</c>; the peers' are this tool's
/// <c>stampede-peer</c>, all on the run's Redis. A round in which a process was not ready by the start is run again,
/// on a fresh key and with the start further ahead.
/// </summary>
internal static class StampedeScenario
{
    private const int MaxAttempts = 4;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(120);

    public static async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        context.Log.WriteLine($"S4 stampede: {settings.StampedeRounds} round(s) of {settings.StampedeProcesses} processes × {settings.StampedeCallers} callers, factory {settings.FactoryMilliseconds} ms");
        var targets = new List<(string Name, Func<string, long, int, (string Dll, string[] Arguments)> Launch)>();
        if (context.CliDll is { } cli)
        {
            targets.Add(("CacheCluster", (key, startAt, process) => (cli,
            [
                "--gateway", context.Gateways[process % context.Gateways.Count], "--cluster-id", context.ClusterId, "--service-id", context.ServiceId,
                "--connect-timeout", "30", "stampede", key, "--callers", Text(settings.StampedeCallers), "--factory-ms", Text(settings.FactoryMilliseconds),
                "--start-at", Text(startAt), "--json", "--latencies",
            ])));
        }
        else
        {
            context.Notes.Add("S4: no --cli given, so CacheCluster's side was not run.");
        }

        foreach (var (name, peer) in new[] { ("FusionCache", StampedePeerCommand.Fusion), ("FusionCache + Redis locker", StampedePeerCommand.FusionLocker), ("HybridCache", StampedePeerCommand.Hybrid) })
        {
            targets.Add((name, (key, startAt, _) => (context.BenchDll,
            [
                "stampede-peer", "--redis", context.RedisEndpoint, "--target", peer, "--key", key, "--callers", Text(settings.StampedeCallers),
                "--factory-ms", Text(settings.FactoryMilliseconds), "--start-at", Text(startAt),
            ])));
        }

        targets.Add((HybridComparisonRow.CacheClusterTarget, (key, startAt, process) => (context.BenchDll,
        [
            "stampede-peer", "--redis", context.RedisEndpoint, "--target", StampedePeerCommand.ClusterHybrid,
            "--gateway", context.Gateways[process % context.Gateways.Count], "--cluster-id", context.ClusterId, "--service-id", context.ServiceId,
            "--key", key, "--callers", Text(settings.StampedeCallers), "--factory-ms", Text(settings.FactoryMilliseconds), "--start-at", Text(startAt),
        ])));

        var startDelay = TimeSpan.FromSeconds(8);
        foreach (var (name, launch) in targets)
        {
            var latencies = new List<double>();
            var runsPerRound = new List<int>();
            var lateRetries = 0;
            for (var round = 0; round < settings.StampedeRounds; round++)
            {
                for (var attempt = 1; ; attempt++)
                {
                    var key = $"stampede:{name.Replace(' ', '-')}:{Guid.NewGuid():N}";
                    var startAt = context.Clock.GetUtcNow().Add(startDelay).ToUnixTimeMilliseconds();
                    var reports = await Task.WhenAll(Enumerable.Range(0, settings.StampedeProcesses).Select(async p =>
                    {
                        var (dll, arguments) = launch(key, startAt, p);
                        var (exit, output, error) = await ChildProcess.RunAsync(dll, arguments, ProcessTimeout, cancellationToken);
                        return exit == 0
                            ? StampedeProcessReport.Parse(output)
                            : throw new BenchFailureException($"S4 {name}: process {p} exited {exit}: {error.Trim()}");
                    }));

                    var slowestReady = startDelay.TotalMilliseconds - reports.Min(r => r.ReadyBeforeStartMs ?? 0);
                    var late = reports.Any(r => r.ReadyBeforeStartMs is not > 0);
                    startDelay = TimeSpan.FromMilliseconds(Math.Max(2_500, slowestReady * (late ? 1.5 : 1.25) + 500));
                    if (late)
                    {
                        lateRetries++;
                        context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name}: a process was ready only {slowestReady:0} ms after launch; again with the start {startDelay.TotalMilliseconds:0} ms ahead"));
                        if (attempt >= MaxAttempts)
                        {
                            throw new BenchFailureException($"S4 {name}: processes still started late after {attempt} attempts");
                        }

                        continue;
                    }

                    Check(name, settings.StampedeCallers, reports);
                    runsPerRound.Add(reports.Sum(r => r.FactoryRuns));
                    latencies.AddRange(reports.SelectMany(r => r.LatenciesMs));
                    break;
                }
            }

            latencies.Sort();
            var row = new StampedeRow(
                name,
                settings.StampedeRounds,
                settings.StampedeProcesses,
                settings.StampedeCallers,
                settings.FactoryMilliseconds,
                runsPerRound.Average(),
                runsPerRound.Max(),
                Percentile(latencies, 0.50),
                Percentile(latencies, 0.99),
                latencies[^1],
                lateRetries);
            context.Stampede.Add(row);
            context.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  S4 {name}: factory runs per round {row.FactoryRunsPerRound:0.##} (max {row.MaxFactoryRunsInARound}), p50 {row.P50Milliseconds:0.0} ms, p99 {row.P99Milliseconds:0.0} ms"));
        }

        if (context.Stampede.FirstOrDefault(r => r.Target == HybridComparisonRow.CacheClusterTarget) is { } ours
            && context.Stampede.FirstOrDefault(r => r.Target == HybridComparisonRow.MicrosoftTarget) is { } theirs)
        {
            context.HybridComparison.Add(HybridComparisonRow.Of("S4", "factory runs per round, all processes", "runs", ours.FactoryRunsPerRound, theirs.FactoryRunsPerRound, "lower"));
            context.HybridComparison.Add(HybridComparisonRow.Of("S4", "caller latency p50", "ms", ours.P50Milliseconds, theirs.P50Milliseconds, "lower"));
            var client = context.Stampede.FirstOrDefault(r => r.Target == "CacheCluster");
            context.HybridComparison.Add(HybridComparisonRow.Of(
                "S4",
                "caller latency p99",
                "ms",
                ours.P99Milliseconds,
                theirs.P99Milliseconds,
                "lower",
                client is null ? null : string.Create(CultureInfo.InvariantCulture, $"CacheCluster's own client (cachecluster stampede, same run): p50 {client.P50Milliseconds:0.0} ms, p99 {client.P99Milliseconds:0.0} ms; through HybridCache each caller makes one lookup, tracked for its near cache; the fill answers the waiters with the value, which they keep near without another read")));
            context.Notes.Add($"S4: both HybridCaches run in {settings.StampedeProcesses} processes of this tool (stampede-peer), each with its own L1, warmed up on a key of its own, then GetOrCreateAsync on one cold key; Microsoft's has no cross-process single flight, so each process runs the factory once.");
        }
    }

    /// <summary>Fails the run unless every caller of every process got a value and none failed.</summary>
    private static void Check(string name, int callers, StampedeProcessReport[] reports)
    {
        foreach (var report in reports)
        {
            if (report.Errors > 0 || report.Values.Values.Sum() != callers || report.LatenciesMs.Count != callers)
            {
                throw new BenchFailureException($"S4 {name}: a process had {report.Errors} errors and {report.Values.Values.Sum()} values for {callers} callers");
            }
        }
    }

    private static double Percentile(List<double> sorted, double quantile) =>
        sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
