using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary>A one-silo Redis-mode cluster on a redis-server of its own, with the HTTP API in front of it.</summary>
public sealed class RedisHttpFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public CacheTestCluster Cluster { get; private set; } = null!;

    public HttpTestServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Redis = await RedisServer.StartAsync();
        Cluster = await CacheTestCluster.StartAsync(silos: 1, redis: Redis.ConnectionString);
        Server = await HttpTestServer.StartAsync(Cluster);
    }

    public async Task DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
