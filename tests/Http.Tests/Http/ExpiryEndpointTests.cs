using System.Net;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary><c>/v1/cache/{key}/expire</c>, <c>/persist</c> and <c>/touch</c>: answers, versions and bad input.</summary>
[Collection(HttpCollection.Name)]
public sealed class ExpiryEndpointTests(HttpClusterFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private CacheTestCluster Cluster => fixture.Cluster;

    private Task<HttpResponseMessage> Send(HttpMethod method, string key, string action) =>
        Client.SendAsync(new HttpRequestMessage(method, HttpCalls.PathOf(key) + "/" + action));

    [Theory]
    [InlineData("POST")]
    [InlineData("PATCH")]
    public async Task Expire_ExistingKey_Answers204_AndSetsTheExpiryAsANewVersion(string method)
    {
        var key = CacheTestCluster.NewKey("http");
        var written = (await Cluster.Cache.SetAsync(key, "v")).Version;

        var expire = await Send(new HttpMethod(method), key, "expire?ttl=1.5");

        Assert.Equal(HttpStatusCode.NoContent, expire.StatusCode);
        var info = (await Cluster.Cache.GetInfoAsync(key))!;
        Assert.Equal(written + 1, info.Version);
        Assert.Equal(Cluster.Clock.GetUtcNow() + TimeSpan.FromSeconds(1.5), info.ExpiresAt);
        Assert.Equal($"\"{info.Version}\"", HttpAssert.Header(await Client.GetKeyAsync(key), "ETag"));
    }

    [Fact]
    public async Task Expire_Zero_RemovesTheKey()
    {
        var key = CacheTestCluster.NewKey("http");
        await Cluster.Cache.SetAsync(key, "v");

        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Post, key, "expire?ttl=0")).StatusCode);

        Assert.False(await Cluster.Cache.ExistsAsync(key));
    }

    [Theory]
    [InlineData("expire?ttl=10")]
    [InlineData("persist")]
    [InlineData("touch")]
    public async Task MissingKey_Answers404KeyNotFound_AndCreatesNothing(string action)
    {
        var key = CacheTestCluster.NewKey("http");

        await HttpAssert.ProblemAsync(await Send(HttpMethod.Post, key, action), HttpStatusCode.NotFound, "key-not-found");

        Assert.False(await Cluster.Cache.ExistsAsync(key));
    }

    [Theory]
    [InlineData("", "?ttl= is required")]
    [InlineData("?ttl=NaN", "?ttl=")]
    [InlineData("?ttl=-1", "?ttl=")]
    [InlineData("?ttl=1e3", "?ttl=")]
    [InlineData("?ttl=abc", "?ttl=")]
    [InlineData("?ttl=1&ttl=2", "?ttl=")]
    [InlineData("?ttl=315360000.5", "?ttl= must be at most")]
    [InlineData("?ttl=99999999999999999999", "?ttl= must be at most")]
    public async Task Expire_BadTtl_Answers400NamingTheParameter_AndChangesNothing(string query, string named)
    {
        var key = CacheTestCluster.NewKey("http");
        var written = (await Cluster.Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(60) })).Version;

        var body = await HttpAssert.ProblemAsync(await Send(HttpMethod.Post, key, "expire" + query), HttpStatusCode.BadRequest, "invalid-options");

        Assert.Contains(named, body, StringComparison.Ordinal);
        var info = (await Cluster.Cache.GetInfoAsync(key))!;
        Assert.Equal(written, info.Version);
        Assert.Equal(TimeSpan.FromSeconds(60), (await Cluster.Cache.GetTimeToLiveAsync(key)).TimeToLive);
    }

    [Fact]
    public async Task Persist_RemovesTheExpiry_Answers204_AndAKeyWithoutExpiryAnswers204Unchanged()
    {
        var key = CacheTestCluster.NewKey("http");
        var written = (await Cluster.Cache.SetAsync(key, "v", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(60) })).Version;

        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Post, key, "persist")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Post, key, "persist")).StatusCode);

        Assert.Equal(written + 1, (await Cluster.Cache.GetInfoAsync(key))!.Version);
        Assert.Equal(new CacheTimeToLive { Exists = true }, await Cluster.Cache.GetTimeToLiveAsync(key));
    }

    [Fact]
    public async Task Touch_SlidesTheWindow_Answers204()
    {
        var key = CacheTestCluster.NewKey("http");
        var written = (await Cluster.Cache.SetAsync(key, "v", new CacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(30) })).Version;
        Cluster.Clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.NoContent, (await Send(HttpMethod.Post, key, "touch")).StatusCode);

        var info = (await Cluster.Cache.GetInfoAsync(key))!;
        Assert.Equal(written + 1, info.Version);
        Assert.Equal(Cluster.Clock.GetUtcNow() + TimeSpan.FromSeconds(30), info.ExpiresAt);
    }

    [Fact]
    public async Task Put_DecimalTtl_IsAcceptedAsTheCliTakesIt()
    {
        var key = CacheTestCluster.NewKey("http");

        var put = await Client.PutAsync(HttpCalls.PathOf(key) + "?ttl=1.5&fresh=0.5", "v", "text/plain");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(
            new CacheTimeToLive { Exists = true, TimeToLive = TimeSpan.FromSeconds(1.5), FreshFor = TimeSpan.FromSeconds(0.5) },
            await Cluster.Cache.GetTimeToLiveAsync(key));
    }
}
