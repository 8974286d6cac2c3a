using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

[Collection(HttpCollection.Name)]
public sealed class InvalidateTests(HttpClusterFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Invalidate_KeysTagsAndPatterns_AnswersHowManyWereRemoved()
    {
        var prefix = CacheTestCluster.NewKey("inv");
        var tag = CacheTestCluster.NewKey("tag");
        await Client.PutKeyAsync(prefix + ":plain", "v");
        await Client.PutKeyAsync(prefix + ":tagged", "v", ("Cache-Tag", tag));
        await Client.PutKeyAsync(prefix + ":p:1", "v");
        await Client.PutKeyAsync(prefix + ":p:2", "v");
        await Client.PutKeyAsync(prefix + ":kept", "v");

        var response = await Client.PostAsJsonAsync("/v1/invalidate", new { keys = new[] { prefix + ":plain", prefix + ":absent" }, tags = new[] { tag }, patterns = new[] { prefix + ":p:*" } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("invalidated").GetInt64());
        Assert.True(await fixture.Cluster.Grain(prefix + ":kept").ExistsAsync());
        Assert.False(await fixture.Cluster.Grain(prefix + ":p:1").ExistsAsync());
    }

    [Fact]
    public async Task Invalidate_StarWithoutAllowAll_Answers400AndRemovesNothing()
    {
        var key = CacheTestCluster.NewKey("inv");
        await Client.PutKeyAsync(key, "v");

        var response = await Client.PostAsJsonAsync("/v1/invalidate", new { keys = new[] { key }, patterns = new[] { "*" } });

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-options");
        Assert.True(await fixture.Cluster.Grain(key).ExistsAsync());
    }

    [Fact]
    public async Task Invalidate_StarWithAllowAll_ClearsEverything()
    {
        var key = CacheTestCluster.NewKey("inv");
        await Client.PutKeyAsync(key, "v");

        var response = await Client.PostAsJsonAsync("/v1/invalidate", new { patterns = new[] { "*" }, allowAll = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("invalidated").GetInt64() >= 1);
        Assert.False(await fixture.Cluster.Grain(key).ExistsAsync());
    }

    [Theory]
    [InlineData("{not json", "invalid-request")]
    [InlineData("{\"keys\":[\"\"]}", "invalid-key")]
    [InlineData("{\"patterns\":[\"[a\"]}", "invalid-options")]
    public async Task Invalidate_BadBody_Answers400(string body, string type)
    {
        var response = await Client.PostAsync("/v1/invalidate", new StringContent(body, Encoding.UTF8, "application/json"));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, type);
    }
}
