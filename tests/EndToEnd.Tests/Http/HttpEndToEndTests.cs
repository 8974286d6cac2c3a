using System.Net;
using CacheCluster.Tests.EndToEnd;

namespace CacheCluster.Tests.Http;

/// <summary>The HTTP API of a real silo process, on the free port the harness gave it with --urls.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class HttpEndToEndTests(EmbeddedSiloFixture fixture) : IClassFixture<EmbeddedSiloFixture>
{
    [Fact]
    public async Task Silo_ServesTheHttpApiOnItsUrl_WithKeysDecodedOnce()
    {
        using var client = new HttpClient { BaseAddress = fixture.Silo.HttpAddress };
        Assert.Contains($"http http://127.0.0.1:{fixture.Silo.HttpPort}", fixture.Silo.Output, StringComparison.Ordinal);
        var key = $"e2e:{Guid.NewGuid():N}/100%25 sure";

        var put = await client.PutAsync(HttpCalls.PathOf(key), "hello", "text/plain; charset=utf-8", ("Cache-Control", "max-age=60, public"), ("Cache-Tag", "e2e"));
        var get = await client.GetKeyAsync(key);
        var notModified = await client.GetKeyAsync(key, ("If-None-Match", HttpAssert.Header(put, "ETag")));
        var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("hello", await get.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", HttpAssert.Header(get, "Content-Type"));
        // Real time passes between the write and the read: max-age is what is left of the 60 s.
        var cacheControl = HttpAssert.Header(get, "Cache-Control");
        Assert.Matches("^public, max-age=[0-9]+$", cacheControl);
        Assert.InRange(int.Parse(cacheControl["public, max-age=".Length..], System.Globalization.CultureInfo.InvariantCulture), 0, 60);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        // The key went through as one segment with '/' and '%' intact: the CLI sees the same key.
        var cli = await CliRunner.RunAsync([.. fixture.Silo.CliConnection, "get", key]);
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Equal("hello", cli.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Silo_BadApiKeyConfiguration_ExitsTwoNamingTheKey()
    {
        var result = await SiloProcess.RunToExitAsync(
            "--CacheCluster:Http:ApiKeys:ci:Key=",
            "--CacheCluster:Http:ApiKeys:ci:Scopes=read",
            "--CacheCluster:Http:ApiKeys:ops:Key=ops-secret-value",
            "--CacheCluster:Http:ApiKeys:ops:Scopes=reed");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cachecluster-silo: invalid configuration: CacheCluster:Http:ApiKeys:ci:Key must not be empty.", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("cachecluster-silo: invalid configuration: CacheCluster:Http:ApiKeys:ops:Scopes has an unknown scope 'reed'", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("ops-secret-value", result.Stderr + result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--CacheCluster:Http:NotFoundMaxAge=-1", "cachecluster-silo: invalid configuration: CacheCluster:Http:NotFoundMaxAge must be whole seconds from 0 (no-store) to 3600 (was -1).")]
    [InlineData("--CacheCluster:Http:NotFoundMaxAge=soon", "cachecluster-silo: invalid configuration: CacheCluster:Http:NotFoundMaxAge must be whole seconds, such as 1 (was 'soon').")]
    [InlineData("--CacheCluster:Http:Cors:Origins=https://app.example.com/page", "cachecluster-silo: invalid configuration: CacheCluster:Http:Cors:Origins has 'https://app.example.com/page', which is not an origin")]
    [InlineData("--CacheCluster:Http:Cors:Origins=*", "cachecluster-silo: invalid configuration: CacheCluster:Http:Cors:Origins may be '*' only when API keys are configured")]
    public async Task Silo_BadNotFoundMaxAgeOrCorsOrigin_ExitsTwoNamingTheKey(string argument, string message)
    {
        var result = await SiloProcess.RunToExitAsync(argument);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://*:0")]
    [InlineData("http://127.0.0.1:0;http://[::]:0")]
    public async Task Silo_OpenApiOnANonLoopbackAddress_RefusesToStart(string urls)
    {
        var result = await SiloProcess.RunToExitAsync("--urls", urls);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("which is not loopback, with no API keys", result.Stderr, StringComparison.Ordinal);
    }
}
