using System.Net;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Http;

/// <summary>
/// The freshness a 404 for a missing key carries (CacheCluster:Http:NotFoundMaxAge), so a shared cache stores it
/// briefly instead of serving the deleted entry's old 200 as stale.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class NotFoundFreshnessTests(HttpClusterFixture fixture)
{
    [Theory]
    [InlineData("0", "no-store")]
    [InlineData("5", "max-age=5")]
    public async Task Get_MissingKey_CarriesTheConfiguredFreshness(string setting, string cacheControl)
    {
        await using var server = await HttpTestServer.StartAsync(fixture.Cluster, new Dictionary<string, string?> { ["CacheCluster:Http:NotFoundMaxAge"] = setting });
        var key = CacheTestCluster.NewKey("notfound");

        var get = await server.Client.GetKeyAsync(key);
        await HttpAssert.ProblemAsync(get, HttpStatusCode.NotFound, "key-not-found");
        Assert.Equal(cacheControl, HttpAssert.Header(get, "Cache-Control"));
        Assert.Equal("Authorization", HttpAssert.Header(get, "Vary"));

        var head = await server.Client.SendAsync(HttpCalls.Request(HttpMethod.Head, HttpCalls.PathOf(key)));
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Equal(cacheControl, HttpAssert.Header(head, "Cache-Control"));
    }

    [Fact]
    public async Task Get_DeletedKey_Answers404WithTheDefaultFreshness()
    {
        var key = CacheTestCluster.NewKey("notfound");
        await fixture.Client.PutKeyAsync(key, "v", ("Cache-Control", "max-age=60"));
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.Client.DeleteAsync(HttpCalls.PathOf(key))).StatusCode);

        var get = await fixture.Client.GetKeyAsync(key);

        await HttpAssert.ProblemAsync(get, HttpStatusCode.NotFound, "key-not-found");
        Assert.Equal("max-age=1", HttpAssert.Header(get, "Cache-Control"));
        Assert.Equal("Authorization", HttpAssert.Header(get, "Vary"));
    }

    [Fact]
    public void Options_NotFoundMaxAge_DefaultsToOneSecond()
    {
        var services = new ServiceCollection().AddCacheClusterHttp(new ConfigurationBuilder().Build());
        var options = services.BuildServiceProvider().GetRequiredService<IOptions<CacheCluster.Http.Hosting.CacheClusterHttpOptions>>().Value;

        Assert.Equal(1, options.NotFoundMaxAge);
        Assert.Empty(options.Cors.Origins);
    }

    [Theory]
    [InlineData("-1", "CacheCluster:Http:NotFoundMaxAge must be whole seconds from 0 (no-store) to 3600 (was -1).")]
    [InlineData("3601", "CacheCluster:Http:NotFoundMaxAge must be whole seconds from 0 (no-store) to 3600 (was 3601).")]
    public void Validation_NotFoundMaxAgeOutOfRange_NamesTheKey(string setting, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:Http:NotFoundMaxAge"] = setting }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCacheClusterHttp(configuration));

        Assert.Equal([message], error.Failures);
    }

    [Fact]
    public void Validation_NotFoundMaxAgeNotANumber_NamesTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:Http:NotFoundMaxAge"] = "1s" }).Build();

        var error = Assert.Throws<FormatException>(() => new ServiceCollection().AddCacheClusterHttp(configuration));

        Assert.Equal("CacheCluster:Http:NotFoundMaxAge must be whole seconds, such as 1 (was '1s').", error.Message);
    }
}
