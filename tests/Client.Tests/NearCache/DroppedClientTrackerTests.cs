using CacheCluster.Tests.Fixtures;
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
    private TrackingClientPair _pair = null!;

    public async Task InitializeAsync() => _pair = await TrackingClientPair.StartAsync("gone", clientDropTimeout: TimeSpan.FromSeconds(1));

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task ClientGone_ItsTrackersAreDropped_TheOtherClientsStay()
    {
        var (stays, goes, keys) = (_pair.Stays, _pair.Goes, _pair.Keys);
        Assert.All(await _pair.TrackersAsync(), t => Assert.Equal(2, t));

        await goes.Host.StopAsync();

        // Process-level wait: the gateway's drop timer and the silos' check of the client run on real time.
        var clock = TimeProvider.System;
        var started = clock.GetTimestamp();
        int[] trackers;
        while ((trackers = await _pair.TrackersAsync()).Any(t => t != 1) && clock.GetElapsedTime(started) < WaitLimit)
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
