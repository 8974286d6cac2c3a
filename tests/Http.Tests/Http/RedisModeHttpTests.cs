using System.Net;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary>
/// The API in front of a Redis-mode silo: readiness follows Redis (the host shares the silo's Redis connection, as the
/// silo program does; the silo process itself: <c>RedisSiloTests</c> in EndToEnd.Tests), and a record in Redis that
/// cannot be read is an internal error that says nothing about itself.
/// </summary>
public sealed class RedisModeHttpTests(RedisHttpFixture fixture) : IClassFixture<RedisHttpFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private HttpClient Client => fixture.Server.Client;

    [Fact]
    public async Task Ready_RedisStopped_Answers503WhileLiveStays200_AndReadyAgainOnceRedisIsBack()
    {
        var before = await Client.GetAsync("/health/ready");
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (before.StatusCode, await before.Content.ReadAsStringAsync()));

        await fixture.Redis.StopAsync();
        HttpResponseMessage down, live;
        try
        {
            down = await ReadyUntilAsync(HttpStatusCode.ServiceUnavailable);
            live = await Client.GetAsync("/health/live");
        }
        finally
        {
            await fixture.Redis.RestartAsync();
        }

        var up = await ReadyUntilAsync(HttpStatusCode.OK);

        Assert.Equal("Unhealthy", await down.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await up.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_RecordInRedisThatCannotBeRead_Answers500Internal_WithoutTheCause()
    {
        // A record of an unknown format under the key (written by a newer silo, or damaged): its grain cannot load it.
        var key = CacheTestCluster.NewKey("corrupt");
        byte[] record = [0, 0, 0, 0, 0, 0, 0, 1, 99, 1, 0];
        Assert.True(await fixture.Redis.Connection.GetDatabase().StringSetAsync($"{fixture.Cluster.ServiceId}/e/{key}", record));

        var response = await Client.GetKeyAsync(key);

        var body = await HttpAssert.ProblemAsync(response, HttpStatusCode.InternalServerError, "internal");
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("The request failed; the silo's log has the details.", problem.RootElement.GetProperty("detail").GetString());
        Assert.DoesNotContain("format", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(nameof(FormatException), body, StringComparison.Ordinal);
        Assert.False(HttpAssert.HasHeader(response, "Retry-After"));
    }

    /// <summary>Asks <c>/health/ready</c> until it answers <paramref name="status"/> (the silo sees a closed or reopened connection within moments).</summary>
    private async Task<HttpResponseMessage> ReadyUntilAsync(HttpStatusCode status)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var response = await Client.GetAsync("/health/ready");
            if (response.StatusCode == status)
            {
                return response;
            }

            Assert.True(TimeProvider.System.GetElapsedTime(started) < Timeout, $"/health/ready still answers {(int)response.StatusCode} after {Timeout.TotalSeconds} s.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }
    }
}
