using System.Net;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Http;

/// <summary>
/// Cross-origin calls (CacheCluster:Http:Cors:Origins) through ASP.NET Core's CORS middleware, with real preflight
/// requests as a browser sends them.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class CorsTests(HttpClusterFixture fixture)
{
    private const string Page = "https://app.example.com";

    private static HttpRequestMessage Preflight(string path, string origin, string method, string headers) =>
        HttpCalls.Request(HttpMethod.Options, path, ("Origin", origin), ("Access-Control-Request-Method", method), ("Access-Control-Request-Headers", headers));

    private static string Values(HttpResponseMessage response, string name) =>
        string.Join(",", response.Headers.GetValues(name)).Replace(" ", string.Empty, StringComparison.Ordinal);

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_AnswersTheApisMethodsAndHeaders()
    {
        await using var server = await HttpTestServer.StartAsync(fixture.Cluster, new Dictionary<string, string?> { ["CacheCluster:Http:Cors:Origins:0"] = Page });
        var path = HttpCalls.PathOf(CacheTestCluster.NewKey("cors"));

        var preflight = await server.Client.SendAsync(Preflight(path, Page, "PUT", "content-type,cache-control,cache-tag,if-match"));

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal(Page, HttpAssert.Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Equal("GET,HEAD,PUT,DELETE,POST,PATCH", Values(preflight, "Access-Control-Allow-Methods"));
        Assert.Equal(
            "Authorization,Content-Type,Cache-Control,If-Match,If-None-Match,If-Modified-Since,If-Unmodified-Since,Cache-Tag,Cache-Lease",
            Values(preflight, "Access-Control-Allow-Headers"));
        Assert.Equal("600", HttpAssert.Header(preflight, "Access-Control-Max-Age"));
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Preflight_WithApiKeys_NeedsNoKey_AndTheActualRequestExposesTheHeadersAPageReads()
    {
        await using var server = await HttpTestServer.StartAsync(fixture.Cluster, new Dictionary<string, string?>
        {
            ["CacheCluster:Http:Cors:Origins"] = $"{Page}, http://localhost:3000",
            ["CacheCluster:Http:ApiKeys:page:Key"] = "page-key-0123456789",
            ["CacheCluster:Http:ApiKeys:page:Scopes"] = "read,write",
        });
        var key = CacheTestCluster.NewKey("cors");

        var preflight = await server.Client.SendAsync(Preflight(HttpCalls.PathOf(key), "http://localhost:3000", "PUT", "authorization,content-type"));
        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("http://localhost:3000", HttpAssert.Header(preflight, "Access-Control-Allow-Origin"));

        var put = await server.Client.PutKeyAsync(key, "v", ("Origin", Page), ("Authorization", "Bearer page-key-0123456789"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(Page, HttpAssert.Header(put, "Access-Control-Allow-Origin"));

        var get = await server.Client.GetKeyAsync(key, ("Origin", Page), ("Authorization", "Bearer page-key-0123456789"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(
            "ETag,Age,Date,Location,Retry-After,WWW-Authenticate,Cache-Lease,Cache-Status,Cache-Tag,RateLimit,RateLimit-Policy",
            Values(get, "Access-Control-Expose-Headers"));

        // A refused request still carries the CORS headers, so the page can read the 401.
        var unauthorised = await server.Client.GetKeyAsync(key, ("Origin", Page));
        await HttpAssert.ProblemAsync(unauthorised, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(Page, HttpAssert.Header(unauthorised, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_GetsNoCorsHeaders_AndAnUnreadHeaderIsNotAllowed()
    {
        await using var server = await HttpTestServer.StartAsync(fixture.Cluster, new Dictionary<string, string?> { ["CacheCluster:Http:Cors:Origins:0"] = Page });
        var path = HttpCalls.PathOf(CacheTestCluster.NewKey("cors"));

        var otherOrigin = await server.Client.SendAsync(Preflight(path, "https://evil.example", "PUT", "content-type"));
        Assert.False(otherOrigin.Headers.Contains("Access-Control-Allow-Origin"));

        // A header the API does not read is left out of the allowed ones: the browser then refuses the request.
        var otherHeader = await server.Client.SendAsync(Preflight(path, Page, "PUT", "x-unknown"));
        Assert.DoesNotContain("x-unknown", Values(otherHeader, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);

        var get = await server.Client.GetKeyAsync(CacheTestCluster.NewKey("cors"), ("Origin", "https://evil.example"));
        Assert.False(get.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_OffByDefault_PreflightGetsNoCorsHeaders()
    {
        var preflight = await fixture.Client.SendAsync(Preflight(HttpCalls.PathOf(CacheTestCluster.NewKey("cors")), Page, "PUT", "content-type"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, preflight.StatusCode);
        Assert.False(preflight.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Wildcard_WithApiKeys_AllowsAnyOrigin()
    {
        await using var server = await HttpTestServer.StartAsync(fixture.Cluster, new Dictionary<string, string?>
        {
            ["CacheCluster:Http:Cors:Origins:0"] = "*",
            ["CacheCluster:Http:ApiKeys:page:Key"] = "page-key-0123456789",
            ["CacheCluster:Http:ApiKeys:page:Scopes"] = "read",
        });

        var preflight = await server.Client.SendAsync(Preflight(HttpCalls.PathOf(CacheTestCluster.NewKey("cors")), "https://any.example", "GET", "authorization"));

        Assert.Equal(HttpStatusCode.NoContent, preflight.StatusCode);
        Assert.Equal("*", HttpAssert.Header(preflight, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("*", "CacheCluster:Http:Cors:Origins may be '*' only when API keys are configured")]
    [InlineData("app.example.com", "CacheCluster:Http:Cors:Origins has 'app.example.com', which is not an origin")]
    [InlineData("https://app.example.com/", "CacheCluster:Http:Cors:Origins has 'https://app.example.com/', which is not an origin")]
    [InlineData("https://app.example.com/page", "CacheCluster:Http:Cors:Origins has 'https://app.example.com/page', which is not an origin")]
    [InlineData("ftp://app.example.com", "CacheCluster:Http:Cors:Origins has 'ftp://app.example.com', which is not an origin")]
    [InlineData("https://user@app.example.com", "CacheCluster:Http:Cors:Origins has 'https://user@app.example.com', which is not an origin")]
    [InlineData("https://app.example.com?x=1", "CacheCluster:Http:Cors:Origins has 'https://app.example.com?x=1', which is not an origin")]
    public void Validation_BadOrigin_NamesTheKey(string origin, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:Http:Cors:Origins:0"] = origin }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCacheClusterHttp(configuration));

        Assert.StartsWith(message, Assert.Single(error.Failures), StringComparison.Ordinal);
    }
}
