namespace CacheCluster.Tests.Http;

/// <summary>Kestrel:Limits:MaxConcurrentConnections reaches the real server: a connection past it is closed unanswered.</summary>
[Collection(HttpCollection.Name)]
public sealed class ConnectionLimitTests(HttpClusterFixture fixture)
{
    [Fact]
    public async Task ConnectionPastTheLimit_IsClosed_WhileTheOpenOneIsServed()
    {
        await using var server = await HttpTestServer.StartAsync(fixture.Cluster, new Dictionary<string, string?> { ["Kestrel:Limits:MaxConcurrentConnections"] = "1" });
        using var second = new HttpClient { BaseAddress = server.Address };

        // The first client's connection stays open (keep-alive) after its answer.
        Assert.True((await server.Client.GetAsync("/health/live")).IsSuccessStatusCode);

        await Assert.ThrowsAsync<HttpRequestException>(() => second.GetAsync("/health/live"));
        Assert.True((await server.Client.GetAsync("/health/live")).IsSuccessStatusCode);
    }
}
