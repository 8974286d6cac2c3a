using CacheCluster.FaultLoad.Recording;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>Redis (AOF on) stopped and started again on the same port and data directory under load.</summary>
[Collection(FaultsCollection.Name)]
public sealed class RedisRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2);

    [Fact]
    public Task RedisRestartedUnderLoad_ClusterRecoversByItself_AndKeepsEveryAcknowledgedWrite() => FaultCluster.RunAsync("redis-restart", output, RunAsync);

    private async Task RunAsync(FaultCluster cluster, Phases phases)
    {

        var stoppedAt = FaultCluster.NowMs;
        await cluster.Redis.StopAsync();

        // The cluster notices: operations that need Redis fail while it is down. The outage lasts two seconds at least.
        await cluster.WaitForMoreFailuresAsync(1, Patience);
        var down = TimeSpan.FromMilliseconds(FaultCluster.NowMs - stoppedAt);
        if (down < Outage)
        {
            await Task.Delay(Outage - down, TimeProvider.System);
        }

        await cluster.Redis.RestartAsync();
        var upAt = FaultCluster.NowMs;

        // No one does anything: writes are acknowledged again, and rate limits are enforced again.
        await cluster.WaitForMoreWritesAsync(200, Patience);
        await cluster.WaitForEnforcedLimitsAsync(Patience);
        var reports = await cluster.StopLoadAsync();
        phases.Mark("load stopped");

        var writes = await WriteCheck.VerifyAsync(cluster.Cache, reports);
        var windows = RateLimitCheck.Verify(reports);
        for (var i = 0; i < FaultCluster.SiloCount; i++)
        {
            Assert.Equal(SiloStatus.Active, await cluster.StatusAsync(cluster[i]));
        }

        // The first 250 ms bucket, from Redis' return on, in which writes were acknowledged again.
        var firstWriteBack = reports
            .SelectMany(report => report.Timeline)
            .Where(bucket => bucket.Operation == LoadOperations.Set && bucket.Ok > 0 && bucket.StartMs + 250 > upAt)
            .Min(bucket => bucket.StartMs);
        var failed = reports.SelectMany(report => report.Errors).ToList();
        phases.Mark("checked");
        FaultFigures.Report(output, "Redis (AOF) restarted under load", [
            $"outage: Redis down {FaultFigures.Ms(upAt - stoppedAt)} (stopped with SIGTERM, started again on its port and data directory)",
            $"recovery: writes acknowledged again within {FaultFigures.Ms(Math.Max(0, firstWriteBack + 250 - upAt))} of Redis' return, with no manual action; all {FaultCluster.SiloCount} silos still active in the membership table",
            $"errors while Redis was down: {failed.Count} ({ErrorWindow.Summary(reports)})",
            $"writes checked: {writes.AcknowledgedWrites:N0} acknowledged writes over {writes.Keys} keys; {writes.AtLastAcknowledged} keys at their last acknowledged write, " +
                $"{writes.AtLaterUnknown} at a later write whose outcome was unknown",
            $"rate limits: {windows.Count} identifier windows, most admitted {windows.Max(w => w.Admitted)} against a limit of {FaultCluster.Limit}",
            $"wall time: {phases.Elapsed.TotalSeconds:0.0} s ({phases})",
        ]);
    }
}
