using System.Net;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;
using Orleans.Configuration;

namespace CacheCluster.Tests.Http;

/// <summary>
/// The API when the cluster gives no answer in time: 503 <c>cluster-unavailable</c>. A one-silo cluster of its own, whose
/// grain calls time out after <see cref="ResponseTimeout"/>. (An unexpected error, 500 <c>internal</c>:
/// <see cref="RedisModeHttpTests"/>.)
/// </summary>
public sealed class HttpFailureTests : IAsyncLifetime
{
    /// <summary>Short, so the test waits little; long enough for any call that does get an answer.</summary>
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(3);

    private CacheTestCluster _cluster = null!;
    private HttpTestServer _server = null!;

    public async Task InitializeAsync()
    {
        _cluster = await CacheTestCluster.StartAsync(silos: 1, configure: silo => silo.Configure<SiloMessagingOptions>(messaging => messaging.ResponseTimeout = ResponseTimeout));

        // A fill waiter may wait 30 s of cache time for a lease that lasts a minute; the fake clock never gets there.
        _server = await HttpTestServer.StartAsync(
            _cluster,
            new Dictionary<string, string?> { ["CacheCluster:Http:LeaseWait"] = "00:00:30", ["CacheCluster:Http:LeaseTimeout"] = "00:01:00" });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task GrainCallWithNoAnswerInTime_Answers503ClusterUnavailable_WithRetryAfter()
    {
        var key = CacheTestCluster.NewKey("unavailable");
        var path = HttpCalls.PathOf(key) + "?fill=1";
        var granted = await _server.Client.SendAsync(HttpCalls.Request(HttpMethod.Get, path));
        await HttpAssert.ProblemAsync(granted, HttpStatusCode.NotFound, "key-not-found");

        // The second caller waits inside the key's grain for a fill that never comes, longer than the silo waits for
        // the grain's answer.
        var waiter = await _server.Client.SendAsync(HttpCalls.Request(HttpMethod.Get, path));

        var body = await HttpAssert.ProblemAsync(waiter, HttpStatusCode.ServiceUnavailable, "cluster-unavailable");
        Assert.Equal("1", HttpAssert.Header(waiter, "Retry-After"));
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("The cluster did not complete the request: TimeoutException.", problem.RootElement.GetProperty("detail").GetString());
    }
}
