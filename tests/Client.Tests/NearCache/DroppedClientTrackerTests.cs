using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Tests.NearCache;

/// <summary>
/// A near-cache client that goes away: once Orleans' gateway drops it, every silo forgets its trackers, so no later
/// change is sent to it; a client still connected keeps its own. Real TCP gateways and client hosts, so real time: the
/// gateways drop a client after 1 s here (Orleans' default: 1 min), and the wait is bounded generously.
/// </summary>
public sealed class DroppedClientTrackerTests : IAsyncLifetime
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private MultiClientCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await MultiClientCluster.StartAsync(silos: 2, clientDropTimeout: TimeSpan.FromSeconds(1));

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task ClientGone_ItsTrackersAreDropped_TheOtherClientsStay()
    {
        var stays = await _cluster.NewClientAsync(o => o.NearCache.Enabled = true);
        var goes = await _cluster.NewClientAsync(o => o.NearCache.Enabled = true);
        var keys = Enumerable.Range(0, 20).Select(i => CacheTestCluster.NewKey($"gone{i}")).ToArray();
        await Task.WhenAll(keys.Select(key => stays.Cache.SetAsync(key, "v")));
        foreach (var client in new[] { stays, goes })
        {
            await Task.WhenAll(keys.Select(key => client.Cache.TryGetAsync<string>(key)));
        }

        var grains = stays.Host.Services.GetRequiredService<IClusterClient>();
        async Task<int[]> TrackersAsync() => await Task.WhenAll(keys.Select(async key => (await grains.GetGrain<ICacheEntryGrain>(key).GetDiagnosticsAsync()).Trackers));
        Assert.All(await TrackersAsync(), t => Assert.Equal(2, t));

        await goes.Host.StopAsync();

        // Process-level wait: the gateway's drop timer and the silos' check of the client run on real time.
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        int[] trackers;
        while ((trackers = await TrackersAsync()).Any(t => t != 1) && clock.GetElapsedTime(started) < WaitLimit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), clock);
        }

        Assert.All(trackers, t => Assert.Equal(1, t));

        // The client that stayed is still told of a change.
        Assert.Equal("v", (await stays.Cache.TryGetAsync<string>(keys[0])).Value);
        await stays.Cache.SetAsync(keys[0], "v2");
        Assert.Equal("v2", (await stays.Cache.TryGetAsync<string>(keys[0])).Value);
    }
}
