using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CacheCluster.Http.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Http;

/// <summary>API keys: 401 without a valid key, 403 without the scope, problem+json both; health needs no key.</summary>
[Collection(HttpCollection.Name)]
public sealed class AuthTests(HttpClusterFixture fixture) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["CacheCluster:Http:ApiKeys:reader:Key"] = "reader-secret-0123456789",
        ["CacheCluster:Http:ApiKeys:reader:Scopes"] = "read",
        ["CacheCluster:Http:ApiKeys:writer:Key"] = "writer-secret-0123456789",
        ["CacheCluster:Http:ApiKeys:writer:Scopes:0"] = "read",
        ["CacheCluster:Http:ApiKeys:writer:Scopes:1"] = "write",
        ["CacheCluster:Http:ApiKeys:purger:Key"] = "purger-secret-0123456789",
        ["CacheCluster:Http:ApiKeys:purger:Scopes"] = "invalidate",
        ["CacheCluster:Http:ApiKeys:limiter:Key"] = "limiter-secret-0123456789",
        ["CacheCluster:Http:ApiKeys:limiter:Scopes"] = "ratelimit",
        ["CacheCluster:Http:ApiKeys:ops:Key"] = "ops-secret-0123456789",
        ["CacheCluster:Http:ApiKeys:ops:Scopes"] = "admin",
    };

    private HttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await HttpTestServer.StartAsync(fixture.Cluster, Keys);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return _server.Client.SendAsync(request);
    }

    [Fact]
    public async Task NoKey_Answers401ProblemWithChallenge()
    {
        var response = await SendAsync(HttpMethod.Get, HttpCalls.PathOf("anything"), key: null);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.StartsWith("Bearer", HttpAssert.Header(response, "WWW-Authenticate"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_Answers401Problem()
    {
        await HttpAssert.ProblemAsync(await SendAsync(HttpMethod.Get, HttpCalls.PathOf("anything"), "reader-secreT"), HttpStatusCode.Unauthorized, "unauthorized");
        await HttpAssert.ProblemAsync(await SendAsync(HttpMethod.Get, HttpCalls.PathOf("anything"), "reader"), HttpStatusCode.Unauthorized, "unauthorized");
    }

    public static TheoryData<string, string, string, int> Matrix => new()
    {
        // endpoint, method, key, the status: 403 when refused; when let through, what the call gets on a fresh key
        { "cache", "GET", "reader-secret-0123456789", 404 },
        { "cache", "PUT", "reader-secret-0123456789", 403 },
        { "cache", "PUT", "writer-secret-0123456789", 201 },
        { "cache", "DELETE", "reader-secret-0123456789", 403 },
        { "cache", "DELETE", "writer-secret-0123456789", 404 },
        { "increment", "POST", "reader-secret-0123456789", 403 },
        { "increment", "POST", "writer-secret-0123456789", 200 },
        { "fill", "GET", "reader-secret-0123456789", 403 },
        { "fill", "GET", "writer-secret-0123456789", 404 },
        { "invalidate", "POST", "writer-secret-0123456789", 403 },
        { "invalidate", "POST", "purger-secret-0123456789", 200 },
        { "ratelimit", "POST", "purger-secret-0123456789", 403 },
        { "ratelimit", "POST", "limiter-secret-0123456789", 200 },
        { "metrics", "GET", "writer-secret-0123456789", 403 },
        { "metrics", "GET", "ops-secret-0123456789", 200 },
        { "cache", "PUT", "ops-secret-0123456789", 201 },
        { "invalidate", "POST", "ops-secret-0123456789", 200 },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Scopes_DecideEachEndpoint(string endpoint, string method, string key, int status)
    {
        var cacheKey = CacheTestCluster.NewKey("auth");
        var (path, content) = endpoint switch
        {
            "cache" => (HttpCalls.PathOf(cacheKey), method == "PUT" ? new StringContent("1") : null),
            "increment" => (HttpCalls.PathOf(cacheKey) + "/increment", null),
            "fill" => (HttpCalls.PathOf(cacheKey) + "?fill=1", null),
            "invalidate" => ("/v1/invalidate", JsonContent.Create(new { keys = new[] { cacheKey } })),
            "ratelimit" => ($"/v1/ratelimit/{TestPolicies.Wide}/{cacheKey}", null),
            _ => ("/metrics", (HttpContent?)null),
        };

        var response = await SendAsync(new HttpMethod(method), path, key, content);

        switch (status)
        {
            case 403:
                await HttpAssert.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
                break;
            case 404 when endpoint == "fill":
                // The one filler: a miss that hands out the lease.
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.False(string.IsNullOrEmpty(HttpAssert.Header(response, "Cache-Lease")));
                break;
            case 404:
                await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "key-not-found");
                break;
            default:
                Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                break;
        }
    }

    [Fact]
    public async Task Health_NeedsNoKey()
    {
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/health/live", key: null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/health/ready", key: null)).StatusCode);
    }

    [Fact]
    public void Validation_NamesTheKeyAtFault_AndNeverTheSecret()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CacheCluster:Http:ApiKeys:empty:Key"] = " ",
            ["CacheCluster:Http:ApiKeys:empty:Scopes"] = "read",
            ["CacheCluster:Http:ApiKeys:odd:Key"] = "odd-secret-0123456789",
            ["CacheCluster:Http:ApiKeys:odd:Scopes"] = "read,delete",
            ["CacheCluster:Http:ApiKeys:twin:Key"] = "odd-secret-0123456789",
            ["CacheCluster:Http:ApiKeys:twin:Scopes"] = "read",
            ["CacheCluster:Http:ApiKeys:none:Key"] = "none-secret-0123456789",
        }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCacheClusterHttp(configuration));

        Assert.Contains("CacheCluster:Http:ApiKeys:empty:Key must not be empty.", error.Failures);
        Assert.Contains(error.Failures, f => f.StartsWith("CacheCluster:Http:ApiKeys:odd:Scopes has an unknown scope 'delete'", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("CacheCluster:Http:ApiKeys:none:Scopes must name at least one scope", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ApiKeys:twin:Key is the same key as", StringComparison.Ordinal) || f.Contains("ApiKeys:odd:Key is the same key as", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_Defaults_AreOpenAndOnLoopback()
    {
        var options = new CacheClusterHttpOptions();

        Assert.Empty(options.ApiKeys);
        Assert.Equal("http://127.0.0.1:5080", CacheClusterHttpOptions.DefaultUrl);
    }
}
