using CacheCluster.FaultLoad.Recording;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>Redis stopped, and left down, under load: reads of active entries go on, writes fail fast and say why.</summary>
[Collection(FaultsCollection.Name)]
public sealed class RedisDownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>How long the load runs against the cluster without Redis.</summary>
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(6);

    /// <summary>Far below StackExchange.Redis' 5 s timeout a queued command would wait; a fast failure takes milliseconds.</summary>
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(2);

    [Fact]
    public Task RedisDownUnderLoad_ActiveEntriesAreStillRead_WritesFailFastWithStorageError_LimitsFollowFailureMode() => FaultCluster.RunAsync("redis-down", output, RunAsync);

    private async Task RunAsync(FaultCluster cluster, Phases phases)
    {
        var openId = $"open-{Guid.NewGuid():N}";
        Assert.False((await cluster.RateLimiter.AcquireAsync(FaultCluster.OpenPolicy, openId)).Degraded);

        var downAt = FaultCluster.NowMs;
        await cluster.Redis.StopAsync();
        await cluster.WaitForMoreFailuresAsync(1, Patience);
        var down = TimeSpan.FromMilliseconds(FaultCluster.NowMs - downAt);
        if (down < Outage)
        {
            await Task.Delay(Outage - down, TimeProvider.System);
        }

        // Each policy follows its failure mode: the closed one refuses, the open one decides in memory; both say so.
        var closed = await cluster.RateLimiter.AcquireAsync(FaultCluster.Policy, $"closed-{Guid.NewGuid():N}");
        Assert.True(!closed.Allowed && closed.Degraded, $"Fail-closed policy while Redis is down: {closed}");
        var open = await cluster.RateLimiter.AcquireAsync(FaultCluster.OpenPolicy, openId);
        Assert.True(open.Allowed && open.Degraded, $"Fail-open policy while Redis is down: {open}");

        var reports = await cluster.StopLoadAsync();
        phases.Mark("load stopped");
        var stoppedAt = FaultCluster.NowMs;

        // Reads of the active entries were all served, none of them behind an acknowledged write.
        var outage = reports.SelectMany(report => report.Timeline).Where(bucket => bucket.StartMs >= downAt).ToList();
        var readsServed = outage.Where(bucket => bucket.Operation == LoadOperations.Get).Sum(bucket => bucket.Ok);
        Assert.True(readsServed > 0, "No read was made while Redis was down.");
        Assert.Equal(0, reports.Sum(report => report.Operations[LoadOperations.Get].Failed));
        Assert.Equal(0, reports.Sum(report => report.ReadsBehindAcknowledged));
        var writes = await WriteCheck.VerifyAsync(cluster.Cache, reports);

        // Writes made after Redis went down failed, each fast and with the storage error.
        var setErrors = reports.SelectMany(report => report.Errors).Where(e => e.Operation == LoadOperations.Set && e.StartedAtMs >= downAt).ToList();
        Assert.NotEmpty(setErrors);
        Assert.All(setErrors, e => Assert.Equal(nameof(CacheStorageException), e.Type));
        Assert.All(setErrors, e => Assert.Contains("Redis", e.Message, StringComparison.Ordinal));
        var acknowledgedLate = outage.Where(bucket => bucket.Operation == LoadOperations.Set && bucket.StartMs >= downAt + 500).Sum(bucket => bucket.Ok);
        Assert.Equal(0, acknowledgedLate);
        // Every single call fails fast. (GetOrSet is left out: its callers wait for a holder's factory, and then, the
        // holder's fill having failed, take the lease over and run their own, so its failure comes after factory runs.)
        var errors = reports.SelectMany(report => report.Errors).Where(e => e.StartedAtMs >= downAt && e.Operation != LoadOperations.GetOrSet).ToList();
        var slowest = errors.Max(e => e.AtMs - e.StartedAtMs);
        Assert.True(
            slowest <= FailFast.TotalMilliseconds,
            $"Operations took over {FaultFigures.Ms(FailFast)} to fail while Redis was down:\n" + string.Join(
                "\n",
                errors.Where(e => e.AtMs - e.StartedAtMs > FailFast.TotalMilliseconds)
                    .Select(e => $"  {e.Operation} {e.Key}: started {e.StartedAtMs - downAt} ms, failed {e.AtMs - downAt} ms: {e.Type}: {e.Message}")));

        phases.Mark("checked");
        FaultFigures.Report(output, "Redis down (stopped, not restarted) under load", [
            $"outage: {FaultFigures.Ms(stoppedAt - downAt)} of load without Redis",
            $"reads of active entries: {readsServed:N0} served while Redis was down, none failed, none behind an acknowledged write",
            $"writes: {setErrors.Count:N0} failed while Redis was down, every one with {nameof(CacheStorageException)}, the slowest failure of any operation after {FaultFigures.Ms(slowest)}; " +
                $"e.g. \"{setErrors[^1].Message}\"",
            $"errors while Redis was down: {ErrorWindow.Summary(reports)}",
            $"rate limits: the fail-closed policy refused (degraded), the fail-open one admitted from memory (degraded)",
            $"writes checked: {writes.AcknowledgedWrites:N0} acknowledged writes over {writes.Keys} keys, read back from the silos' memory",
            $"wall time: {phases.Elapsed.TotalSeconds:0.0} s ({phases})",
        ]);

        // Only so that the silos can leave the cluster quickly when the test ends.
        await cluster.Redis.RestartAsync();
    }
}
