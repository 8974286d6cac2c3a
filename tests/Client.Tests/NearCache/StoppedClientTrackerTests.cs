using System.Diagnostics.Metrics;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.TestingHost;

namespace CacheCluster.Tests.NearCache;

/// <summary>
/// A near-cache client that stops gracefully tells the cluster on its way out: by the time its host has stopped, every
/// silo has forgotten its trackers, and a later change is told to the other clients only. The gateways keep Orleans'
/// default drop timeout (1 min), so the drop watcher cannot be what forgets it; nothing waits on time.
/// </summary>
public sealed class StoppedClientTrackerTests : IAsyncLifetime
{
    private MultiClientCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MultiClientCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ClientStopped_ItsTrackersAreForgottenOnEverySilo_NoNoticeIsSentToIt()
    {
        var stays = await _cluster.NewClientAsync(o => o.NearCache.Enabled = true);
        var goes = await _cluster.NewClientAsync(o => o.NearCache.Enabled = true);
        var keys = Enumerable.Range(0, 20).Select(i => CacheTestCluster.NewKey($"stop{i}")).ToArray();
        await Task.WhenAll(keys.Select(key => stays.Cache.SetAsync(key, "v")));
        foreach (var client in new[] { stays, goes })
        {
            await Task.WhenAll(keys.Select(key => client.Cache.TryGetAsync<string>(key)));
        }

        var grains = stays.Host.Services.GetRequiredService<IClusterClient>();
        async Task<int[]> TrackersAsync() => await Task.WhenAll(keys.Select(async key => (await grains.GetGrain<ICacheEntryGrain>(key).GetDiagnosticsAsync()).Trackers));
        Assert.All(await TrackersAsync(), t => Assert.Equal(2, t));

        // The 20 keys' activations are spread over both silos.
        var silos = _cluster.Cluster.Silos.Cast<InProcessSiloHandle>().ToArray();
        var perSilo = silos.Select(s => s.SiloHost.Services.GetRequiredService<CacheCluster.Invalidation.LocalEntries>())
            .Select(entries => keys.Count(key => entries.TryGet(key, out _, out _)))
            .ToArray();
        Assert.All(perSilo, n => Assert.True(n > 0, $"keys per silo: {string.Join(", ", perSilo)}"));

        await goes.Host.StopAsync();

        Assert.All(await TrackersAsync(), t => Assert.Equal(1, t));

        // A change to each key now notifies the client that stayed, and it alone: one notice per key.
        using var metrics = new MetricRecorder(silos.Select(s => (object)s.SiloHost.Services.GetRequiredService<IMeterFactory>()));
        await Task.WhenAll(keys.Select(key => stays.Cache.SetAsync(key, "v2")));
        Assert.Equal(keys.Length, metrics["cachecluster.nearcache.notices"]);
        Assert.Equal("v2", (await stays.Cache.TryGetAsync<string>(keys[0])).Value);
    }
}
