using System.Net;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary>
/// <c>/health/ready</c> in front of a Redis-mode silo: the host shares the silo's Redis connection, as the silo program
/// does, so readiness follows Redis. (The silo process itself: <c>RedisSiloTests</c> in EndToEnd.Tests.)
/// </summary>
public sealed class ReadinessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Ready_RedisStopped_Answers503WhileLiveStays200_AndReadyAgainOnceRedisIsBack()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await CacheTestCluster.StartAsync(silos: 1, redis: redis.ConnectionString);
        await using var server = await HttpTestServer.StartAsync(cluster);
        var before = await server.Client.GetAsync("/health/ready");
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (before.StatusCode, await before.Content.ReadAsStringAsync()));

        await redis.StopAsync();
        var down = await ReadyUntilAsync(server.Client, HttpStatusCode.ServiceUnavailable);
        var live = await server.Client.GetAsync("/health/live");
        await redis.RestartAsync();
        var up = await ReadyUntilAsync(server.Client, HttpStatusCode.OK);

        Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await up.Content.ReadAsStringAsync());
    }

    /// <summary>Asks <c>/health/ready</c> until it answers <paramref name="status"/> (the silo sees a closed or reopened connection within moments).</summary>
    private static async Task<HttpResponseMessage> ReadyUntilAsync(HttpClient client, HttpStatusCode status)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var response = await client.GetAsync("/health/ready");
            if (response.StatusCode == status)
            {
                return response;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(started) < Timeout, $"/health/ready still answers {(int)response.StatusCode} after {Timeout.TotalSeconds} s.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }
    }
}
