using CacheCluster.FaultLoad.Recording;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>SIGTERM to one of three silos under load: it leaves the cluster without a single client error.</summary>
[Collection(FaultsCollection.Name)]
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// README: the silo exits in 2.5–4.5 s (it leaves the membership table, deactivates its grains and closes its
    /// connections; measured 2.5–4.3 s). Almost twice the upper figure, for a loaded two-core CI machine where the three
    /// silos, the two load clients and Redis share the cores.
    /// </summary>
    private static readonly TimeSpan Shutdown = TimeSpan.FromSeconds(8);

    [Fact]
    public Task SiloStoppedWithSigTermUnderLoad_CausesNoClientError_AndKeepsEveryAcknowledgedWrite() => FaultCluster.RunAsync("graceful", output, RunAsync);

    private async Task RunAsync(FaultCluster cluster, Phases phases)
    {
        await using var checkpoints = await CheckpointWatch.StartAsync(cluster);

        var leaving = cluster[0];
        var terminatedAt = FaultCluster.NowMs;
        var exitCode = await leaving.TerminateAsync(Patience);
        var shutdown = FaultCluster.NowMs - terminatedAt;
        Assert.True(exitCode == 0, $"The silo exited with code {exitCode}:\n{leaving.Output}");
        Assert.True(
            shutdown <= Shutdown.TotalMilliseconds,
            $"The silo took {FaultFigures.Ms(shutdown)} to leave and exit, beyond README's 2.5–4.5 s (allowed {FaultFigures.Ms(Shutdown)}):\n{leaving.Output}");
        Assert.Equal(SiloStatus.Dead, await cluster.StatusAsync(leaving));

        await cluster.WaitForMoreWritesAsync(200, Patience);
        await cluster.WaitForEnforcedLimitsAsync(Patience);
        var reports = await cluster.StopLoadAsync();
        phases.Mark("load stopped");

        var errors = ErrorWindow.Of(reports);
        Assert.True(errors.Errors == 0, $"{errors.Errors} operations failed:\n{ErrorWindow.Details(reports, terminatedAt)}");
        var writes = await WriteCheck.VerifyAsync(cluster.Cache, reports);
        Assert.Equal(writes.Keys, writes.AtLastAcknowledged);
        var leave = new MembershipChange(terminatedAt, terminatedAt + shutdown + 1000);
        var windows = RateLimitCheck.Verify(reports, checkpoints, leave);
        var getOrSet = GetOrSetCheck.Verify(reports, leave);

        var operations = reports.Sum(report => report.Operations.Values.Sum(counts => counts.Ok));
        phases.Mark("checked");
        FaultFigures.Report(output, "graceful shutdown (SIGTERM) of one of three silos under load", [
            $"shutdown: the silo left the cluster and exited with code 0 after {FaultFigures.Ms(shutdown)} (README: 2.5–4.5 s; allowed {FaultFigures.Ms(Shutdown)})",
            $"client errors: {errors.Errors} in {operations:N0} operations",
            $"writes checked: {writes.AcknowledgedWrites:N0} acknowledged writes over {writes.Keys} keys, every key at its last acknowledged write",
            $"GetOrSet of the load clients: {reports.Sum(r => r.Operations[LoadOperations.GetOrSet].Ok):N0} completed, factory runs {reports.Sum(r => r.GetOrSet.Sum(g => g.FactoryRuns))} " +
                $"over {getOrSet.Keys} keys, at most {getOrSet.MostRuns} for one key (bound: 1, plus 1 for a key whose round overlaps the shutdown)",
            $"rate limits: {windows.Count} identifier windows, most admitted {windows.Max(w => w.Admitted)} against a limit of {FaultCluster.Limit}; " +
                $"windows of the shutdown: {string.Join(", ", windows.Where(w => w.MembershipChanged).Select(w => $"{w.Identifier} {w.Admitted} (bound {w.Bound})"))}",
            $"wall time: {phases.Elapsed.TotalSeconds:0.0} s ({phases})",
        ]);
    }
}
