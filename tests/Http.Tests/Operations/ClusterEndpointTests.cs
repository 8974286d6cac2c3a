using System.Net;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;
using CacheCluster.Tests.Http;

namespace CacheCluster.Tests.Operations;

[Collection(HttpCollection.Name)]
public sealed class ClusterEndpointTests(HttpClusterFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task GetCluster_ListsEverySilo_WithFigures_AndTotalsOfTheRatelimitDecisions()
    {
        var before = await GetJsonAsync("/v1/cluster");
        var identifier = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 6; i++)
        {
            await Client.PostAsync($"/v1/ratelimit/{TestPolicies.Sliding}/{identifier}", null);
        }

        var status = await GetJsonAsync("/v1/cluster");

        var silos = status.GetProperty("silos").EnumerateArray().ToList();
        Assert.Equal(fixture.Cluster.Cluster.Silos.Count, silos.Count);
        Assert.All(silos, silo =>
        {
            Assert.Equal("Active", silo.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Object, silo.GetProperty("figures").ValueKind);
            Assert.True(silo.GetProperty("figures").GetProperty("rssBytes").GetInt64() > 0);
            Assert.Equal(JsonValueKind.Array, silo.GetProperty("figures").GetProperty("invalidation").ValueKind);
        });

        // The sliding policy allows 5 in its window: 5 allowed, 1 limited.
        var totals = status.GetProperty("totals");
        var beforeTotals = before.GetProperty("totals");
        Assert.Equal(5, totals.GetProperty("rateLimitAllowed").GetInt64() - beforeTotals.GetProperty("rateLimitAllowed").GetInt64());
        Assert.Equal(1, totals.GetProperty("rateLimitLimited").GetInt64() - beforeTotals.GetProperty("rateLimitLimited").GetInt64());
        Assert.Equal(silos.Count, totals.GetProperty("reportingSilos").GetInt32());
    }

    [Fact]
    public async Task GetHotKeys_KeyReadOverHttp_IsListed_AndCountIsBounded()
    {
        var key = CacheTestCluster.NewKey("hot-http");
        Assert.Equal(HttpStatusCode.Created, (await Client.PutAsync($"/v1/cache/{key}", new StringContent("v"))).StatusCode);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync($"/v1/cache/{key}")).StatusCode);
        }

        var keys = (await GetJsonAsync("/v1/cluster/hotkeys?count=1000")).EnumerateArray().ToList();
        var entry = Assert.Single(keys, k => k.GetProperty("key").GetString() == key);
        Assert.True(entry.GetProperty("count").GetInt64() >= 100);
        Assert.Equal(CacheKey.Hash(key), entry.GetProperty("hash").GetString());
        Assert.Single((await GetJsonAsync("/v1/cluster/hotkeys?count=1")).EnumerateArray());
    }

    [Theory]
    [InlineData("/v1/cluster/hotkeys?count=0")]
    [InlineData("/v1/cluster/hotkeys?count=abc")]
    [InlineData("/v1/cluster/slowlog?count=10001")]
    [InlineData("/v1/cluster?count=1")]
    public async Task BadCount_Is400InvalidRequest(string path) =>
        await HttpAssert.ProblemAsync(await Client.GetAsync(path), HttpStatusCode.BadRequest, "invalid-request");

    [Fact]
    public async Task GetSlowLog_AnswersAnArray()
    {
        var log = await GetJsonAsync("/v1/cluster/slowlog?count=5");
        Assert.Equal(JsonValueKind.Array, log.ValueKind);
        Assert.True(log.GetArrayLength() <= 5);
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
