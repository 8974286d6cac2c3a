using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CacheCluster.Tests.Fixtures;
using CacheCluster.Tests.Http;

namespace CacheCluster.Tests.Hardening;

/// <summary>
/// The bad-input matrix over HTTP (real Kestrel): every hostile request gets a problem+json error of the right status,
/// and the entry it aimed at reads back exactly as before. Auth cases run against a second server with API keys.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class HttpBadInputTests(HttpClusterFixture fixture) : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["CacheCluster:Http:ApiKeys:reader:Key"] = "reader-secret",
        ["CacheCluster:Http:ApiKeys:reader:Scopes"] = "read",
    };

    private HttpTestServer _guarded = null!;

    public async Task InitializeAsync() => _guarded = await HttpTestServer.StartAsync(fixture.Cluster, Keys);

    public async Task DisposeAsync() => await _guarded.DisposeAsync();

    public static TheoryData<string, int> Cases => new()
    {
        { "ttl NaN", 400 }, { "ttl negative", 400 }, { "ttl overflowing", 400 }, { "fresh over ttl", 400 },
        { "max-age not a number", 400 }, { "100 MB body", 413 }, { "star mixed with tags", 400 }, { "weak prefix then whitespace", 400 }, { "stale If-Match", 412 },
        { "made-up lease token", 409 }, { "tag too long", 400 }, { "increment by text", 400 }, { "increment of text", 409 },
        { "invalid UTF-8 key", 400 }, { "CRLF in the key", 400 }, { "malformed glob", 400 }, { "lone star glob", 400 },
        { "broken invalidate body", 400 }, { "broken event JSON", 400 }, { "event nested 100 deep", 400 },
        { "unknown policy", 404 }, { "permits overflowing", 400 }, { "permits negative", 400 },
        { "no API key", 401 }, { "wrong API key", 401 }, { "key without the write scope", 403 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileRequest_IsAProblem_AndChangesNothing(string name, int status)
    {
        var key = CacheTestCluster.NewKey("matrix");
        var written = await fixture.Cluster.Cache.SetAsync(key, "sentinel", new CacheEntryOptions { Tags = ["matrix"] });

        using var response = await Attack(name, key);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"{name}: expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        var read = await fixture.Cluster.Cache.TryGetAsync<string>(key);
        Assert.Equal(("sentinel", written.Version), (read.Value, read.Version));
    }

    private Task<HttpResponseMessage> Attack(string name, string key)
    {
        var client = fixture.Client;
        var path = HttpCalls.PathOf(key);
        HttpRequestMessage Put(string query = "", params (string Name, string Value)[] headers)
        {
            var request = HttpCalls.Request(HttpMethod.Put, path + query, headers);
            request.Content = new StringContent("new value", Encoding.UTF8, "text/plain");
            return request;
        }

        HttpRequestMessage Post(string target, string json) =>
            new(HttpMethod.Post, target) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

        return name switch
        {
            "ttl NaN" => client.SendAsync(Put("?ttl=NaN")),
            "ttl negative" => client.SendAsync(Put("?ttl=-1")),
            "ttl overflowing" => client.SendAsync(Put("?ttl=99999999999999999")),
            "fresh over ttl" => client.SendAsync(Put("?ttl=10&fresh=20")),
            "max-age not a number" => client.SendAsync(Put(string.Empty, ("Cache-Control", "max-age=soon"))),
            "100 MB body" => client.SendAsync(HundredMegabytes(path)),
            "star mixed with tags" => client.SendAsync(Put(string.Empty, ("If-None-Match", "\"1\", *"))),
            "weak prefix then whitespace" => client.SendAsync(Put(string.Empty, ("If-Match", "W/\t"))),
            "stale If-Match" => client.SendAsync(Put(string.Empty, ("If-Match", "\"1\""))),
            "made-up lease token" => client.SendAsync(Put(string.Empty, ("Cache-Lease", "424242"))),
            "tag too long" => client.SendAsync(Put(string.Empty, ("Cache-Tag", new string('t', 300)))),
            "increment by text" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path + "/increment?by=ten")),
            "increment of text" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path + "/increment")),
            "invalid UTF-8 key" => client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/v1/cache/%FF%FE") { Content = new StringContent("x") }),
            "CRLF in the key" => client.SendAsync(new HttpRequestMessage(HttpMethod.Put, path + "%0D%0AX-Injected:%201") { Content = new StringContent("x") }),
            "malformed glob" => client.SendAsync(Post("/v1/invalidate", "{\"patterns\":[\"matrix:[abc\"]}")),
            "lone star glob" => client.SendAsync(Post("/v1/invalidate", "{\"patterns\":[\"*\"]}")),
            "broken invalidate body" => client.SendAsync(Post("/v1/invalidate", "{\"keys\":[")),
            "broken event JSON" => client.SendAsync(Post("/v1/events", "{\"type\":\"user.updated\",\"data\":{")),
            "event nested 100 deep" => client.SendAsync(Post("/v1/events", "{\"type\":\"user.updated\",\"data\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 101))),
            "unknown policy" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/ratelimit/no-such-policy/" + Uri.EscapeDataString(key))),
            "permits overflowing" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/ratelimit/{TestPolicies.Fixed}/{Uri.EscapeDataString(key)}?permits=99999999999")),
            "permits negative" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/ratelimit/{TestPolicies.Fixed}/{Uri.EscapeDataString(key)}?permits=-1")),
            "no API key" => _guarded.Client.SendAsync(Put()),
            "wrong API key" => _guarded.Client.SendAsync(WithKey(Put(), "reader-secreT")),
            "key without the write scope" => _guarded.Client.SendAsync(WithKey(Put(), "reader-secret")),
            _ => throw new InvalidOperationException($"No case '{name}'."),
        };
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>A PUT declaring 100 MB; with Expect: 100-continue the body is only sent if the server asks for it.</summary>
    private static HttpRequestMessage HundredMegabytes(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StreamContent(new MemoryStream(new byte[1])) };
        request.Content.Headers.ContentLength = 100L * 1024 * 1024;
        request.Headers.ExpectContinue = true;
        return request;
    }
}
