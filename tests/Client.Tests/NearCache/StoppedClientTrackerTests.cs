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
    private TrackingClientPair _pair = null!;

    public async Task InitializeAsync() => _pair = await TrackingClientPair.StartAsync("stop");

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task ClientStopped_ItsTrackersAreForgottenOnEverySilo_NoNoticeIsSentToIt()
    {
        var (stays, goes, keys) = (_pair.Stays, _pair.Goes, _pair.Keys);
        Assert.All(await _pair.TrackersAsync(), t => Assert.Equal(2, t));

        // The 20 keys' activations are spread over both silos.
        var silos = _pair.Cluster.Cluster.Silos.Cast<InProcessSiloHandle>().ToArray();
        var perSilo = silos.Select(s => s.SiloHost.Services.GetRequiredService<CacheCluster.Invalidation.LocalEntries>())
            .Select(entries => keys.Count(key => entries.TryGet(key, out _, out _)))
            .ToArray();
        Assert.All(perSilo, n => Assert.True(n > 0, $"keys per silo: {string.Join(", ", perSilo)}"));

        await goes.Host.StopAsync();

        Assert.All(await _pair.TrackersAsync(), t => Assert.Equal(1, t));

        // A change to each key now notifies the client that stayed, and it alone: one notice per key.
        using var metrics = new MetricRecorder(silos.Select(s => (object)s.SiloHost.Services.GetRequiredService<IMeterFactory>()));
        await Task.WhenAll(keys.Select(key => stays.Cache.SetAsync(key, "v2")));
        Assert.Equal(keys.Length, metrics["cachecluster.nearcache.notices"]);
        Assert.Equal("v2", (await stays.Cache.TryGetAsync<string>(keys[0])).Value);
    }
}
