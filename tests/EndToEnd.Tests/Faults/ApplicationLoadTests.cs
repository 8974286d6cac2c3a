using System.Globalization;
using CacheCluster.FaultLoad.Application.Report;
using CacheCluster.Tests.EndToEnd;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// Issue 15, "measured in the fault suite": the application-side load (<c>--mode app</c>, near cache on) against the
/// three faults — every silo killed for 20 s, Redis stopped for 20 s, one silo frozen for 10 s — each held to the
/// issue's promises (<see cref="AppLoadCheck"/>): no GetOrSet fails, every Remove issued during the fault is applied
/// after it, no read beyond the bound is stale. The figures (GetOrSet's p99 during the fault, the time from the
/// cluster's return to the client using it) go to the test output and the figures files before the assertions run.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ApplicationLoadTests(ITestOutputHelper output)
{
    /// <summary>The file in the test output directory the figures are appended to, besides <see cref="FaultFigures.FilePath"/>.</summary>
    public const string OutputFileName = "cachecluster-faults-application.md";

    private static readonly TimeSpan SilosDown = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan RedisDown = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Frozen = TimeSpan.FromSeconds(10);

    /// <summary>The load's calls before the fault, for the "before" latencies.</summary>
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(2);

    /// <summary>How long the test waits, once the cluster is back, for the client to have Sets acknowledged again (a figure, not a bound).</summary>
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(20);

    /// <summary>How long the load runs on past the staleness bound, so that "no stale read after it" is a claim about something.</summary>
    private static readonly TimeSpan Observe = TimeSpan.FromSeconds(4);

    [Fact]
    public Task EverySiloKilledFor20s_ApplicationLoad_NoGetOrSetFails_RemovesAreApplied_NoStaleReadsAfterBound() =>
        FaultCluster.RunAsync("app-silos-down", output, (cluster, phases) => RunAsync(cluster, phases, "application load: every silo killed (kill -9) for 20 s, then restarted", async faultAt =>
        {
            await Task.WhenAll(Enumerable.Range(0, FaultCluster.SiloCount).Select(cluster.KillAsync));
            await UntilAsync(faultAt + (long)SilosDown.TotalMilliseconds);
            var restartAt = FaultCluster.NowMs;
            await Task.WhenAll(Enumerable.Range(0, FaultCluster.SiloCount).Select(cluster.RestartAsync));
            return $"the {FaultCluster.SiloCount} silos restarted {FaultFigures.Ms(restartAt - faultAt)} after the kill, all ready {FaultFigures.Ms(FaultCluster.NowMs - restartAt)} later (cold restart)";
        }), steadyLoad: false);

    [Fact]
    public Task RedisStoppedFor20s_ApplicationLoad_NoGetOrSetFails_RemovesAreApplied_NoStaleReadsAfterBound() =>
        FaultCluster.RunAsync("app-redis-down", output, (cluster, phases) => RunAsync(cluster, phases, "application load: Redis stopped for 20 s, then started again", async faultAt =>
        {
            await cluster.Redis.StopAsync();
            await UntilAsync(faultAt + (long)RedisDown.TotalMilliseconds);
            var restartAt = FaultCluster.NowMs;
            await cluster.Redis.RestartAsync();
            return $"Redis (AOF) started again on its port {FaultFigures.Ms(restartAt - faultAt)} after it was stopped, accepting connections {FaultFigures.Ms(FaultCluster.NowMs - restartAt)} later";
        }), steadyLoad: false);

    [Fact]
    public Task OneSiloFrozenFor10s_ApplicationLoad_NoGetOrSetFails_RemovesAreApplied_NoStaleReadsAfterBound() =>
        FaultCluster.RunAsync("app-silo-frozen", output, async (cluster, phases) =>
        {
            var homes = new List<int>();
            SiloProcess? silo = null;

            // With the load on, the silo to freeze is the one holding the most of its keys' activations.
            async Task PickAsync()
            {
                var management = cluster.Orleans.GetGrain<IManagementGrain>(0);
                for (var k = 0; k < AppOperations.DefaultKeys; k++)
                {
                    var address = await management.GetActivationAddress(cluster.Orleans.GetGrain<ICacheEntryGrain>(AppOperations.Key(k)));
                    homes.Add(address?.Endpoint.Port ?? 0);
                }

                silo = cluster[Enumerable.Range(0, FaultCluster.SiloCount).MaxBy(i => homes.Count(port => port == cluster[i].SiloPort))];
            }

            await RunAsync(cluster, phases, "application load: one of three silos frozen (SIGSTOP) for 10 s, then resumed (SIGCONT)", async faultAt =>
            {
                using var freeze = ProcessFreeze.Start(silo!.ProcessId);
                await UntilAsync(faultAt + (long)Frozen.TotalMilliseconds);
                freeze.Resume();
                return $"the silo holding {homes.Count(port => port == silo.SiloPort)} of the {homes.Count} keys' activations resumed {FaultFigures.Ms(FaultCluster.NowMs - faultAt)} after it was frozen";
            }, PickAsync);
            output.WriteLine($"the frozen silo's status in the membership table at the end: {await cluster.StatusAsync(silo!)}");
        }, steadyLoad: false);

    /// <summary>
    /// Puts the application load on, runs <paramref name="beforeFault"/>, marks the phase <c>fault</c>, runs <paramref name="fault"/> (which breaks the
    /// cluster and mends it, and says how), marks <c>back</c>, lets the client come back and the load run past the
    /// staleness bound, then checks, reports the figures, and asserts.
    /// </summary>
    private async Task RunAsync(FaultCluster cluster, Phases phases, string title, Func<long, Task<string>> fault, Func<Task>? beforeFault = null)
    {
        var load = await cluster.StartApplicationLoadAsync();
        phases.Mark("load on");
        await Task.Delay(Warmup, TimeProvider.System);
        if (beforeFault is not null)
        {
            await beforeFault();
        }

        var faultAt = FaultCluster.NowMs;
        await load.MarkPhaseAsync(AppLoadCheck.FaultPhase, faultAt);
        var back = await fault(faultAt);
        var backAt = FaultCluster.NowMs;
        await load.MarkPhaseAsync(AppLoadCheck.BackPhase, backAt);
        phases.Mark("cluster back");

        // The client uses the cluster again once its Sets are acknowledged again; if it never does, the figures say so.
        try
        {
            await load.WaitForAcknowledgedAsync(load.Acknowledged + 20, Reconnect);
            phases.Mark("client back");
        }
        catch (TimeoutException)
        {
            phases.Mark("client not back");
        }

        await Task.Delay(AppLoadCheck.StaleBound + Observe, TimeProvider.System);
        var report = await load.StopAsync<AppLoadReport>(FaultCluster.ResponseTimeout + TimeSpan.FromSeconds(30));
        phases.Mark("load stopped");

        var check = await AppLoadCheck.RunAsync(cluster.Cache, report, faultAt, backAt);
        phases.Mark("checked");
        IReadOnlyList<string> lines = [.. check.Figures($"{title.Split(": ", 2)[1]}", back), $"wall time: {phases.Elapsed.TotalSeconds:0.0} s ({phases})"];
        FaultFigures.Report(output, title, lines);
        AppendToOutputDirectory(title, lines);
        check.AssertPromises();
    }

    private static async Task UntilAsync(long atMs)
    {
        var left = atMs - FaultCluster.NowMs;
        if (left > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(left), TimeProvider.System);
        }
    }

    private void AppendToOutputDirectory(string title, IReadOnlyList<string> lines)
    {
        var path = Path.Combine(AppContext.BaseDirectory, OutputFileName);
        File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"## {title} ({TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC)\n\n{string.Join("\n", lines.Select(line => "- " + line))}\n\n"));
        output.WriteLine($"(figures appended to {path})");
    }
}
