using CacheCluster.FaultLoad.Recording;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>Redis (AOF on) stopped and started again on the same port and data directory under load.</summary>
[Collection(FaultsCollection.Name)]
public sealed class RedisRestartTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2);

    /// <summary>
    /// README: writes are acknowledged again about a second after Redis' return (each silo's multiplexer retries the
    /// connection on its 1 s heartbeat; measured 0.6–1.5 s). Three seconds allow a missed heartbeat and the scheduling
    /// delays of a loaded two-core CI machine, where Redis, three silos and two load clients share the cores; every silo
    /// must be back by then, so no operation that starts later may fail.
    /// </summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(3);

    /// <summary>How long the load runs on after <see cref="Recovery"/>, so that "no error after it" is a claim about something.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

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
        var settled = upAt + (long)(Recovery + Quiet).TotalMilliseconds - FaultCluster.NowMs;
        if (settled > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(settled), TimeProvider.System);
        }

        var reports = await cluster.StopLoadAsync();
        phases.Mark("load stopped");

        var writes = await WriteCheck.VerifyAsync(cluster.Cache, reports);
        var windows = RateLimitCheck.Verify(reports, checkpoints: null);
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
        var recovery = TimeSpan.FromMilliseconds(Math.Max(0, firstWriteBack + 250 - upAt));
        Assert.True(
            recovery <= Recovery,
            $"Writes were acknowledged again {FaultFigures.Ms(recovery)} after Redis' return, beyond README's \"about a second\" (allowed {FaultFigures.Ms(Recovery)}).");

        // Once Redis is back (and the silos have had the recovery time to reconnect), nothing fails any more.
        var late = failed.Where(e => e.StartedAtMs > upAt + (long)Recovery.TotalMilliseconds).ToList();
        Assert.True(
            late.Count == 0,
            $"{late.Count} operations that started over {FaultFigures.Ms(Recovery)} after Redis' return failed:\n{ErrorWindow.Details(reports, upAt)}");
        var lastFailedStart = failed.Count == 0 ? upAt : failed.Max(e => e.StartedAtMs);
        var loadEnd = reports.Min(report => report.StoppedAtMs);

        // README, "When Redis is down": writes fail with CacheStorageException; limits follow the policy's failure mode.
        ErrorWindow.AssertTypes(reports, nameof(CacheStorageException), stoppedAt);
        phases.Mark("checked");
        FaultFigures.Report(output, "Redis (AOF) restarted under load", [
            $"outage: Redis down {FaultFigures.Ms(upAt - stoppedAt)} (stopped with SIGTERM, started again on its port and data directory)",
            $"recovery: writes acknowledged again within {FaultFigures.Ms(recovery)} of Redis' return (allowed {FaultFigures.Ms(Recovery)}), with no manual action; all {FaultCluster.SiloCount} silos still active in the membership table",
            $"errors while Redis was down: {failed.Count} ({ErrorWindow.Summary(reports)}); the last failing operation started at {lastFailedStart - upAt} ms from Redis' return, " +
                $"and no operation started after it failed (the load ran on to {loadEnd - upAt} ms)",
            $"writes checked: {writes.AcknowledgedWrites:N0} acknowledged writes over {writes.Keys} keys; {writes.AtLastAcknowledged} keys at their last acknowledged write, " +
                $"{writes.AtLaterUnknown} at a later write whose outcome was unknown",
            $"rate limits: {windows.Count} identifier windows, most admitted {windows.Max(w => w.Admitted)} against a limit of {FaultCluster.Limit}",
            $"wall time: {phases.Elapsed.TotalSeconds:0.0} s ({phases})",
        ]);
    }
}
