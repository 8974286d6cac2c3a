using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// Two near-cache clients of a two-silo <see cref="MultiClientCluster"/> that both track the same 20 fresh keys (each
/// set through <see cref="Stays"/>, then read through both), for the tests of how the silos forget a client that goes
/// away (<see cref="Goes"/>) and keep the one that stays.
/// </summary>
internal sealed class TrackingClientPair : IAsyncDisposable
{
    private readonly IClusterClient _grains;

    private TrackingClientPair(
        MultiClientCluster cluster,
        (IClusterCache Cache, IClusterRateLimiter Limiter, IHost Host) stays,
        (IClusterCache Cache, IClusterRateLimiter Limiter, IHost Host) goes,
        string[] keys)
    {
        Cluster = cluster;
        Stays = stays;
        Goes = goes;
        Keys = keys;
        _grains = stays.Host.Services.GetRequiredService<IClusterClient>();
    }

    public MultiClientCluster Cluster { get; }

    /// <summary>Gets the client that stays connected.</summary>
    public (IClusterCache Cache, IClusterRateLimiter Limiter, IHost Host) Stays { get; }

    /// <summary>Gets the client the test takes away.</summary>
    public (IClusterCache Cache, IClusterRateLimiter Limiter, IHost Host) Goes { get; }

    /// <summary>Gets the keys both clients track.</summary>
    public string[] Keys { get; }

    /// <param name="keyPrefix">The keys' prefix (<see cref="CacheTestCluster.NewKey"/>).</param>
    /// <param name="clientDropTimeout">How long a gateway keeps a disconnected client (Orleans' default: 1 min).</param>
    public static async Task<TrackingClientPair> StartAsync(string keyPrefix, TimeSpan? clientDropTimeout = null)
    {
        var cluster = await MultiClientCluster.StartAsync(silos: 2, clientDropTimeout);
        try
        {
            var stays = await cluster.NewClientAsync(o => o.NearCache.Enabled = true);
            var goes = await cluster.NewClientAsync(o => o.NearCache.Enabled = true);
            var keys = Enumerable.Range(0, 20).Select(i => CacheTestCluster.NewKey($"{keyPrefix}{i}")).ToArray();
            await Task.WhenAll(keys.Select(key => stays.Cache.SetAsync(key, "v")));
            foreach (var client in new[] { stays, goes })
            {
                await Task.WhenAll(keys.Select(key => client.Cache.TryGetAsync<string>(key)));
            }

            return new TrackingClientPair(cluster, stays, goes, keys);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Gets how many clients track each key, in the order of <see cref="Keys"/>.</summary>
    public async Task<int[]> TrackersAsync() =>
        await Task.WhenAll(Keys.Select(async key => (await _grains.GetGrain<ICacheEntryGrain>(key).GetDiagnosticsAsync()).Trackers));

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
