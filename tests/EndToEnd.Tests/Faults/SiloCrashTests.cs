using CacheCluster.Resilience;
using CacheCluster.Tests.EndToEnd;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>kill -9 of one of three silos in the middle of a steady mixed load from two client processes.</summary>
[Collection(FaultsCollection.Name)]
public sealed class SiloCrashTests(ITestOutputHelper output)
{
    private const int LeaseKeys = 12;
    private const int WaitersPerKey = 3;

    /// <summary>How long after the membership table says "dead" the other silos and the clients may still fail calls.</summary>
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>How much earlier than the test saw it the membership table may have said "dead": its poll, plus a read.</summary>
    private static readonly TimeSpan PollLag = TimeSpan.FromMilliseconds(100);

    [Fact]
    public Task SiloKilledUnderLoad_KeepsEveryAcknowledgedWrite_AndRateLimits_HandsOverLeases_AndRejoinsWhenRestarted() => FaultCluster.RunAsync("crash", output, RunAsync);

    private async Task RunAsync(FaultCluster cluster, Phases phases)
    {
        await using var checkpoints = await CheckpointWatch.StartAsync(cluster);

        // Leases out at the moment of the crash: a holder per key whose factory waits for the gate, and waiters behind it.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var leases = new LeaseKey[LeaseKeys];
        for (var i = 0; i < LeaseKeys; i++)
        {
            leases[i] = new LeaseKey($"lease:{Guid.NewGuid():N}");
            leases[i].Hold(cluster.Cache, gate.Task);
        }

        await Task.WhenAll(leases.Select(lease => lease.FactoryStarted)).WaitAsync(Patience, TimeProvider.System);
        // Each waiter is a client of its own (over the test's Orleans client, with its cache's options): waiters in one
        // client would join the holder's lookup in that client and never wait in the grain.
        foreach (var lease in leases)
        {
            lease.Wait(
                () => CacheTestCluster.NewCache(cluster.Orleans, options =>
                {
                    options.Resilience.ReadFailureMode = CacheReadFailureMode.Throw;
                    options.ClusterTimeout = options.ResponseTimeout;
                }),
                WaitersPerKey);
        }

        // The silo to kill is the one holding the most of these keys' activations: never none of them.
        var management = cluster.Orleans.GetGrain<IManagementGrain>(0);
        var homes = new Dictionary<LeaseKey, int>();
        foreach (var lease in leases)
        {
            var address = await management.GetActivationAddress(cluster.Orleans.GetGrain<ICacheEntryGrain>(lease.Key));
            homes[lease] = address?.Endpoint.Port ?? 0;
        }

        var victimIndex = Enumerable.Range(0, FaultCluster.SiloCount).MaxBy(i => homes.Values.Count(port => port == cluster[i].SiloPort));
        var victim = cluster[victimIndex];
        var orphaned = leases.Where(lease => homes[lease] == victim.SiloPort).ToList();
        Assert.NotEmpty(orphaned);

        phases.Mark("leases out");
        var killedAt = await cluster.KillAsync(victimIndex);
        var deadAt = await cluster.WaitForStatusAsync(victim, SiloStatus.Dead, Patience);
        var detection = TimeSpan.FromMilliseconds(deadAt - killedAt);
        phases.Mark("declared dead");
        Assert.True(
            detection <= FaultCluster.Membership.DetectionTime + Propagation,
            $"The killed silo was declared dead after {FaultFigures.Ms(detection)}, beyond the documented {FaultFigures.Ms(FaultCluster.Membership.DetectionTime)}.");

        // Restarted on its ports (meanwhile), the silo will rejoin.
        var restarting = cluster.RestartAsync(victimIndex);

        // The restarted silo's first row in the membership table: from then on the cluster may place grains on it.
        var joining = cluster.WaitForStatusAsync(victim, status => status is not (null or SiloStatus.Dead), "any status but Dead", Patience);

        // The holders finish once the orphaned keys answer again (at their next activation); every caller gets a value.
        foreach (var lease in orphaned)
        {
            await AnswersAsync(cluster.Cache, lease.Key);
        }

        gate.SetResult();
        await Task.WhenAll(leases.Select(lease => lease.Completion)).WaitAsync(Patience, TimeProvider.System);
        phases.Mark("leases done");
        // The holder gets its own value. On a key whose activation died with its lease, exactly one waiter is handed the
        // lease and fills the key for the others. Any other key keeps its holder, unless the key's directory entry died
        // with the silo (Orleans' default directory is eventually consistent): then the key's next activation may hand
        // the lease to one waiter as well. Either way all waiters of a key get one value.
        foreach (var lease in leases)
        {
            Assert.Equal(LeaseKey.HolderValue, await lease.Holder);
            var values = lease.Waiters.Select(waiter => waiter.Result).Distinct().ToList();
            var handedOver = lease.WaiterFactoryRuns == 1;
            Assert.True(
                values.Count == 1 && values[0] == (handedOver ? LeaseKey.WaiterValue : LeaseKey.HolderValue) && lease.WaiterFactoryRuns <= 1,
                $"{lease.Key} (activation {(orphaned.Contains(lease) ? "on" : "not on")} the killed silo): waiters got [{string.Join(", ", values)}] after {lease.WaiterFactoryRuns} waiter factory runs.");
            if (orphaned.Contains(lease))
            {
                Assert.True(handedOver, $"{lease.Key}: its lease died with the silo, yet no waiter took it over.");
            }
        }

        var handedOverElsewhere = leases.Count(lease => !orphaned.Contains(lease) && lease.WaiterFactoryRuns == 1);

        // The restarted silo has rejoined: the table shows it active, and a client on its gateway alone is served.
        var restarted = await restarting;
        var rejoinedAt = await cluster.WaitForStatusAsync(restarted, SiloStatus.Active, Patience);
        var joiningAt = await joining;
        var rejoinKey = $"rejoin:{Guid.NewGuid():N}";
        await ThroughGatewayAsync(cluster, restarted, async cache =>
        {
            await cache.SetAsync(rejoinKey, "through the restarted silo");
            Assert.Equal("through the restarted silo", (await cluster.Cache.TryGetAsync<string>(rejoinKey)).Value);
        });
        var hosts = await management.GetHosts(onlyActive: true);
        Assert.Contains(hosts.Keys, silo => silo.Endpoint.Port == restarted.SiloPort);
        phases.Mark("rejoined");

        await cluster.WaitForMoreWritesAsync(100, Patience);
        await cluster.WaitForEnforcedLimitsAsync(Patience);
        var reports = await cluster.StopLoadAsync();
        phases.Mark("load stopped");

        var writes = await WriteCheck.VerifyAsync(cluster.Cache, reports);

        // Nothing moves to other silos before the table says "dead"; nothing to the restarted one before it has a row.
        var crash = new MembershipChange(killedAt, Math.Max(killedAt, deadAt - (long)PollLag.TotalMilliseconds), deadAt + (long)Propagation.TotalMilliseconds);
        var rejoin = new MembershipChange(joiningAt, rejoinedAt + (long)Propagation.TotalMilliseconds);
        var windows = RateLimitCheck.Verify(reports, checkpoints, crash, rejoin);
        var getOrSet = GetOrSetCheck.Verify(reports, crash, rejoin);
        var errors = ErrorWindow.Of(reports);

        // README: until the silo is declared dead, calls to the grains it held fail with CacheClusterUnavailableException;
        // a rate-limit request the cluster cannot answer gets the client's answer by the policy's failure mode.
        ErrorWindow.AssertTypes(reports, nameof(CacheClusterUnavailableException), killedAt);
        Assert.True(
            errors.Errors == 0 || (errors.FirstStartMs >= killedAt - (long)Propagation.TotalMilliseconds && errors.LastStartMs <= deadAt + (long)Propagation.TotalMilliseconds),
            $"Operations failed that started from {errors.FirstStartMs - killedAt} ms to {errors.LastStartMs - killedAt} ms after the kill; " +
            $"the silo was declared dead {deadAt - killedAt} ms after it.\n{ErrorWindow.Details(reports, killedAt)}");
        Assert.True(
            errors.ByStart <= detection + Propagation,
            $"The error window ({FaultFigures.Ms(errors.ByStart)}) is longer than the detection time ({FaultFigures.Ms(detection)}).\n{ErrorWindow.Details(reports, killedAt)}");
        Assert.True(
            errors.Errors == 0 || errors.LastFailedMs <= deadAt + (long)(FaultCluster.ResponseTimeout + Propagation + Propagation).TotalMilliseconds,
            $"An operation failed {errors.LastFailedMs - killedAt} ms after the kill: later than a call started before the silo was declared dead could last.\n{ErrorWindow.Details(reports, killedAt)}");

        var changed = windows.Where(window => window.MembershipChanged).ToList();
        phases.Mark("checked");
        FaultFigures.Report(output, "kill -9 of one of three silos under load", [
            $"detection: the killed silo was declared dead {FaultFigures.Ms(detection)} after the kill (documented bound {FaultFigures.Ms(FaultCluster.Membership.DetectionTime)})",
            $"error window: {FaultFigures.Ms(errors.ByStart)} between the first and the last failing operation's start ({errors.Errors} failed operations, " +
                $"started {errors.FirstStartMs - killedAt} to {errors.LastStartMs - killedAt} ms after the kill); the last failure arrived " +
                $"{errors.LastFailedMs - killedAt} ms after the kill (calls in flight through the dead gateway wait out the {FaultFigures.Ms(FaultCluster.ResponseTimeout)} response timeout)",
            $"errors: {ErrorWindow.Summary(reports)}",
            $"writes checked: {writes.AcknowledgedWrites:N0} acknowledged writes over {writes.Keys} keys; {writes.AtLastAcknowledged} keys at their last acknowledged write, " +
                $"{writes.AtLaterUnknown} at a later write whose outcome was unknown",
            $"rate limits: {windows.Count} identifier windows, most admitted {windows.Max(w => w.Admitted)} against a limit of {FaultCluster.Limit}; " +
                $"windows of the crash and the rejoin: {string.Join(", ", changed.Select(w => $"{w.Identifier} {w.Admitted} (bound {w.Bound})"))}",
            $"leases: {orphaned.Count} of {LeaseKeys} keys had their lease on the killed silo; on each, one of {WaitersPerKey} waiters took the lease over and all callers got a value " +
                $"({handedOverElsewhere} more keys were handed over too: their directory entry was on the killed silo)",
            $"GetOrSet of the load clients: {reports.Sum(r => r.Operations[FaultLoad.Recording.LoadOperations.GetOrSet].Ok):N0} completed, " +
                $"{reports.Sum(r => r.Operations[FaultLoad.Recording.LoadOperations.GetOrSet].Failed)} failed, factory runs {reports.Sum(r => r.GetOrSet.Sum(g => g.FactoryRuns))} over {getOrSet.Keys} keys, " +
                $"at most {getOrSet.MostRuns} for one key (bound: 1, plus 1 per membership change during its round)",
            $"rejoin: restarted on its ports, active in the membership table and serving through its gateway",
            $"wall time: {phases.Elapsed.TotalSeconds:0.0} s ({phases})",
        ]);
    }

    /// <summary>Calls the key until the cluster answers (its silo died; the call is answered at its next activation).</summary>
    private static async Task AnswersAsync(IClusterCache cache, string key)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            try
            {
                await cache.ExistsAsync(key);
                return;
            }
            catch (CacheClusterUnavailableException) when (TimeProvider.System.GetElapsedTime(started) < Patience)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
            }
        }
    }

    private static async Task ThroughGatewayAsync(FaultCluster cluster, SiloProcess silo, Func<IClusterCache, Task> use)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterClient(options =>
        {
            options.WaitForCluster = true;
            options.Gateways.Add(silo.Gateway);
            options.ClusterId = cluster.Identity.ClusterId;
            options.ServiceId = cluster.Identity.ServiceId;
        });
        using var host = builder.Build();
        await host.StartAsync();
        await use(host.Services.GetRequiredService<IClusterCache>());
        await host.StopAsync();
    }

    /// <summary>One key under GetOrSet: a holder whose factory waits for a gate, and waiters whose factories count.</summary>
    private sealed class LeaseKey(string key)
    {
        public const string HolderValue = "holder";
        public const string WaiterValue = "waiter";

        private static readonly GetOrSetOptions Options = new()
        {
            Entry = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(10) },

            // Long enough that no lease passes on by expiry, and that a waiter outlasts its silo's death.
            LeaseTimeout = TimeSpan.FromSeconds(60),
            WaitTimeout = TimeSpan.FromSeconds(60),
        };

        private readonly TaskCompletionSource _factoryStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _waiterFactoryRuns;

        public string Key { get; } = key;

        public Task FactoryStarted => _factoryStarted.Task;

        public Task<string?> Holder { get; private set; } = Task.FromResult<string?>(null);

        public List<Task<string?>> Waiters { get; } = [];

        public int WaiterFactoryRuns => Volatile.Read(ref _waiterFactoryRuns);

        public Task Completion => Task.WhenAll([Holder, .. Waiters]);

        public void Hold(IClusterCache cache, Task gate) =>
            Holder = cache.GetOrSetAsync<string>(Key, async _ =>
            {
                _factoryStarted.TrySetResult();
                await gate;
                return HolderValue;
            }, Options);

        public void Wait(Func<IClusterCache> newCache, int count)
        {
            for (var i = 0; i < count; i++)
            {
                Waiters.Add(newCache().GetOrSetAsync<string>(Key, _ =>
                {
                    Interlocked.Increment(ref _waiterFactoryRuns);
                    return Task.FromResult<string?>(WaiterValue);
                }, Options));
            }
        }
    }
}
