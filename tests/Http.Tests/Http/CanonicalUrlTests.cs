using System.Net;
using CacheCluster.Tests.Fixtures;
using CacheCluster.Tests.Hardening;

namespace CacheCluster.Tests.Http;

/// <summary>
/// One URL per key: a read through another spelling of the key's URL is answered but not storable, and names the
/// canonical URL (the one a CDN purge sends), so a shared cache holds each entry only where a purge reaches it.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class CanonicalUrlTests(HttpClusterFixture fixture)
{
    [Fact]
    public async Task CanonicalUrl_IsCacheable_AndHasNoCanonicalLink()
    {
        var key = CacheTestCluster.NewKey("canon") + ":a b~";
        await fixture.Client.PutKeyAsync(key, "v", ("Cache-Control", "max-age=60"));

        using var response = await fixture.Client.GetAsync(HttpCalls.PathOf(key));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=60", HttpAssert.Header(response, "Cache-Control"));
        Assert.False(HttpAssert.HasHeader(response, "Link"));
    }

    [Theory]
    [InlineData(":", "%3a")]
    [InlineData(":", ":")]
    [InlineData("~", "%7E")]
    public async Task OtherSpelling_ServesTheEntry_NoStore_WithTheCanonicalLink(string character, string spelling)
    {
        var prefix = CacheTestCluster.NewKey("canon");
        var key = prefix + character + "x";
        await fixture.Client.PutKeyAsync(key, "v", ("Cache-Control", "max-age=60"));

        // Sent as written: Uri would turn %7E back into ~.
        using var response = await RawHttp.SendAsync(fixture.Server.Address, "GET", "/v1/cache/" + Uri.EscapeDataString(prefix) + spelling + "x");
        using var missing = await RawHttp.SendAsync(fixture.Server.Address, "HEAD", "/v1/cache/" + Uri.EscapeDataString(prefix) + spelling + "missing");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v", await response.Content.ReadAsStringAsync());
        Assert.Equal("no-store", HttpAssert.Header(response, "Cache-Control"));
        Assert.Equal($"<{HttpCalls.PathOf(key)}>; rel=\"canonical\"", HttpAssert.Header(response, "Link"));
        Assert.Equal((HttpStatusCode.NotFound, "no-store"), (missing.StatusCode, HttpAssert.Header(missing, "Cache-Control")));
    }
}
