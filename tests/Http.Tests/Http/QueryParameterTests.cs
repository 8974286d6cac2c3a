using System.Net;
using System.Text;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary>A query parameter an endpoint does not read is refused by name, and nothing is stored.</summary>
[Collection(HttpCollection.Name)]
public sealed class QueryParameterTests(HttpClusterFixture fixture)
{
    [Fact]
    public async Task MisspeltTtl_IsA400NamingIt_AndStoresNothing()
    {
        var key = CacheTestCluster.NewKey("query");

        using var response = await fixture.Client.PutAsync(HttpCalls.PathOf(key) + "?tll=10", new StringContent("v", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("tll", problem.RootElement.GetProperty("parameter").GetString());
        Assert.Contains("Unknown query parameter 'tll'", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("?ttl= and ?fresh=", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.False(await fixture.Cluster.Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task KnownParameters_AreStillRead()
    {
        var key = CacheTestCluster.NewKey("query");

        using var response = await fixture.Client.PutAsync(HttpCalls.PathOf(key) + "?ttl=1.5&fresh=1", new StringContent("v", Encoding.UTF8, "text/plain"));

        Assert.True(response.IsSuccessStatusCode, response.ToString());
        var ttl = await fixture.Cluster.Cache.GetTimeToLiveAsync(key);
        Assert.Equal(TimeSpan.FromSeconds(1.5), ttl.TimeToLive);
    }
}
