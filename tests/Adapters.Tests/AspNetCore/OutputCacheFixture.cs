using CacheCluster.Tests.Fixtures;
using CacheCluster.Tests.Http;

namespace CacheCluster.Tests.AspNetCore;

/// <summary>
/// Two application instances (A and B) with the output caching middleware over one in-process cluster, and the
/// cluster's HTTP API (for <c>POST /v1/invalidate</c>) on one of its silos. Tests use fresh ids, so state cannot leak.
/// </summary>
public sealed class OutputCacheFixture : IAsyncLifetime
{
    public CacheTestCluster Cluster { get; private set; } = null!;

    public HttpTestServer Http { get; private set; } = null!;

    internal OutputCacheApp A { get; private set; } = null!;

    internal OutputCacheApp B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await CacheTestCluster.StartAsync(silos: 2);
        Http = await HttpTestServer.StartAsync(Cluster);
        A = await OutputCacheApp.StartAsync("A", Cluster);
        B = await OutputCacheApp.StartAsync("B", Cluster);
    }

    public async Task DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        await Http.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
