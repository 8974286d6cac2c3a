using System.Net;
using CacheCluster.Tests.EndToEnd;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// kill -9 of every silo of a Redis-mode cluster, then one silo started again on the same Redis: the membership table
/// still lists the dead silos as Active, and the restarted silo must not wait for them.
/// </summary>
[Collection(FaultsCollection.Name)]
public sealed class ColdRestartTests(ITestOutputHelper output)
{
    /// <summary>
    /// README: a cold restart is ready in about as long as a normal start (measured 1.5–2.9 s here; 28.3–33.8 s before
    /// the silo declared refusing silos dead). The bound is generous, for a loaded two-core CI machine; the figure is
    /// reported.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task EverySiloKilled_OneRestarted_IsReadyWithinBound_DeclaresTheOthersDead_AndServesEntriesWrittenBefore()
    {
        var phases = new Phases();
        await using var cluster = await FaultCluster.StartAsync("coldstart");
        phases.Mark("cluster up");
        try
        {
            var key = $"cold:{Guid.NewGuid():N}";
            await cluster.Cache.SetAsync(key, "written before the crash");

            // Every silo dies at once; the membership table keeps their rows Active.
            var killedAt = FaultCluster.NowMs;
            await Task.WhenAll(Enumerable.Range(0, FaultCluster.SiloCount).Select(cluster.KillAsync));
            for (var i = 0; i < FaultCluster.SiloCount; i++)
            {
                Assert.Equal(SiloStatus.Active, await cluster.StatusAsync(cluster[i]));
            }

            phases.Mark("all killed");

            // The restart returns when the silo printed its ready line.
            var startedAt = FaultCluster.NowMs;
            var restarted = await cluster.RestartAsync(0);
            var ready = TimeSpan.FromMilliseconds(FaultCluster.NowMs - startedAt);
            phases.Mark("ready");
            output.WriteLine($"cold restart: ready line {FaultFigures.Ms(ready)} after the process started ({startedAt - killedAt} ms after the kill)");

            // Honest: at the ready line the silo is Active, /health/ready says so, and a client on its gateway alone is served.
            Assert.Equal(SiloStatus.Active, await cluster.StatusAsync(restarted));
            using (var http = new HttpClient { BaseAddress = restarted.HttpAddress })
            {
                using var health = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            var servedAt = FaultCluster.NowMs;
            var value = await ThroughGatewayAsync(cluster, restarted, async cache => (await cache.TryGetAsync<string>(key)).Value);
            var served = TimeSpan.FromMilliseconds(FaultCluster.NowMs - servedAt);
            Assert.Equal("written before the crash", value);
            phases.Mark("served");

            // The other two were declared dead by the restarted silo, not left Active.
            for (var i = 1; i < FaultCluster.SiloCount; i++)
            {
                Assert.Equal(SiloStatus.Dead, await cluster.StatusAsync(cluster[i]));
            }

            Assert.Contains("refused connections", restarted.Output, StringComparison.Ordinal);
            Assert.True(ready <= Bound, $"The restarted silo was ready after {FaultFigures.Ms(ready)}, beyond {FaultFigures.Ms(Bound)}:\n{restarted.Output}");
            FaultFigures.Report(output, "cold restart after kill -9 of all three silos", [
                $"ready: the restarted silo printed its ready line {FaultFigures.Ms(ready)} after its process started (bound {FaultFigures.Ms(Bound)})",
                $"served: a new client on its gateway alone connected and read the entry written before the crash in {FaultFigures.Ms(served)}",
                $"membership: the two other silos' rows went from Active to Dead, declared by the restarted silo",
                $"wall time: {phases.Elapsed.TotalSeconds:0.0} s ({phases})",
            ]);
        }
        catch
        {
            output.WriteLine(cluster.Describe());
            throw;
        }
    }

    private static async Task<T> ThroughGatewayAsync<T>(FaultCluster cluster, SiloProcess silo, Func<IClusterCache, Task<T>> use)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterClient(options =>
        {
            options.Gateways.Add(silo.Gateway);
            options.ClusterId = cluster.Identity.ClusterId;
            options.ServiceId = cluster.Identity.ServiceId;

            // Served means connected and answered: the start waits for the gateway, and a failed read says so.
            options.WaitForCluster = true;
            options.Resilience.ReadFailureMode = CacheCluster.Resilience.CacheReadFailureMode.Throw;
        });
        using var host = builder.Build();
        using var stop = new CancellationTokenSource(Patience);
        await host.StartAsync(stop.Token);
        var result = await use(host.Services.GetRequiredService<IClusterCache>()).WaitAsync(Patience, TimeProvider.System);
        await host.StopAsync(stop.Token);
        return result;
    }
}
