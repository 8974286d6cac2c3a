using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary>A three-silo in-memory cluster with the HTTP API in front of it, open (no API keys).</summary>
public sealed class HttpClusterFixture : IAsyncLifetime
{
    public CacheTestCluster Cluster { get; private set; } = null!;

    public HttpTestServer Server { get; private set; } = null!;

    public HttpClient Client => Server.Client;

    public async Task InitializeAsync()
    {
        Cluster = await CacheTestCluster.StartAsync();
        Server = await HttpTestServer.StartAsync(Cluster, new Dictionary<string, string?> { ["CacheCluster:Http:LeaseWait"] = "00:00:30" });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
