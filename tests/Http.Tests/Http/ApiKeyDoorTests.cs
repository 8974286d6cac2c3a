using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CacheCluster.Http.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Http;

/// <summary>
/// API keys (issue 20): a prefix-limited key works inside its prefixes, only hashes stay after start, and an address
/// that sent too many wrong keys waits out the window on the cache clock. The refusals are in the door matrix.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class ApiKeyDoorTests(HttpClusterFixture fixture) : IAsyncLifetime
{
    private const string TenantKey = "tenant-a-key-0123456789";

    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["CacheCluster:Http:ApiKeys:tenant:Key"] = TenantKey,
        ["CacheCluster:Http:ApiKeys:tenant:Scopes"] = "read,write,invalidate,ratelimit",
        ["CacheCluster:Http:ApiKeys:tenant:KeyPrefixes"] = "tenant-a:",
        ["CacheCluster:Http:FailedKeyAttempts"] = "2",
        ["CacheCluster:Http:FailedKeyWindow"] = "00:00:30",
    };

    private HttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await HttpTestServer.StartAsync(fixture.Cluster, Keys);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key = TenantKey, string? json = null)
    {
        var request = new HttpRequestMessage(method, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", key) } };
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return _server.Client.SendAsync(request);
    }

    [Fact]
    public async Task PrefixedKey_InsideItsPrefix_ReadsWritesInvalidatesAndRateLimits()
    {
        var key = CacheTestCluster.NewKey("tenant-a");
        var other = CacheTestCluster.NewKey("tenant-a");

        using var put = await _server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Put, HttpCalls.PathOf(key))
        {
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", TenantKey) },
            Content = new StringContent("v", Encoding.UTF8, "text/plain"),
        });
        using var get = await SendAsync(HttpMethod.Get, HttpCalls.PathOf(key));
        await fixture.Cluster.Cache.SetAsync(other, "w");
        using var byKey = await SendAsync(HttpMethod.Post, "/v1/invalidate", json: $"{{\"keys\":[\"{key}\"]}}");
        using var byPattern = await SendAsync(HttpMethod.Post, "/v1/invalidate", json: $"{{\"patterns\":[\"{other[..^4]}*\"]}}");
        using var limit = await SendAsync(HttpMethod.Post, $"/v1/ratelimit/{TestPolicies.Fixed}/{Uri.EscapeDataString(key)}");

        Assert.Equal(
            (HttpStatusCode.Created, HttpStatusCode.OK, "v", HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            (put.StatusCode, get.StatusCode, await get.Content.ReadAsStringAsync(), byKey.StatusCode, byPattern.StatusCode, limit.StatusCode));
        Assert.False((await fixture.Cluster.Cache.TryGetAsync<string>(key)).Found);
        Assert.False((await fixture.Cluster.Cache.TryGetAsync<string>(other)).Found);
    }

    [Fact]
    public async Task Keys_AfterStart_OnlyHashesRemain_AndTheKeyStillWorks()
    {
        var options = _server.Services.GetRequiredService<IOptions<CacheClusterHttpOptions>>().Value;
        var configuration = _server.Services.GetRequiredService<IConfiguration>();

        using var get = await SendAsync(HttpMethod.Get, HttpCalls.PathOf(CacheTestCluster.NewKey("tenant-a")));

        Assert.Equal((string?)null, options.ApiKeys["tenant"].Key);
        Assert.Null(configuration["CacheCluster:Http:ApiKeys:tenant:Key"]);
        Assert.DoesNotContain(configuration.AsEnumerable(), pair => pair.Value == TenantKey);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task WrongKeys_PastTheLimit_Answer429UntilTheWindowEnds_OnTheCacheClock()
    {
        var path = HttpCalls.PathOf(CacheTestCluster.NewKey("tenant-a"));
        using var first = await SendAsync(HttpMethod.Get, path, "wrong-key-0123456789a");
        fixture.Cluster.Clock.Advance(TimeSpan.FromSeconds(10));
        using var second = await SendAsync(HttpMethod.Get, path, "wrong-key-0123456789b");

        using var throttled = await SendAsync(HttpMethod.Get, path);
        var retryAfter = HttpAssert.Header(throttled, "Retry-After");
        fixture.Cluster.Clock.Advance(TimeSpan.FromSeconds(20));
        using var after = await SendAsync(HttpMethod.Get, path);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (first.StatusCode, second.StatusCode));
        await HttpAssert.ProblemAsync(throttled, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Equal("20", retryAfter);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }
}
