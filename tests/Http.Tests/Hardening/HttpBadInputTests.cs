using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using CacheCluster.Http.Entries;
using CacheCluster.Http.Hosting;
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
        ["CacheCluster:Http:ApiKeys:reader:Key"] = "reader-secret-0123456789",
        ["CacheCluster:Http:ApiKeys:reader:Scopes"] = "read",
    };

    private HttpTestServer _guarded = null!;

    public async Task InitializeAsync() => _guarded = await HttpTestServer.StartAsync(fixture.Cluster, Keys);

    public async Task DisposeAsync() => await _guarded.DisposeAsync();

    /// <summary>Each case, its status and its problem type (the slug after <see cref="HttpAssert.ProblemPrefix"/>).</summary>
    public static TheoryData<string, int, string> Cases => new()
    {
        { "ttl NaN", 400, "invalid-options" },
        { "ttl negative", 400, "invalid-options" },
        { "durability unknown", 400, "invalid-options" },
        { "ttl overflowing", 400, "invalid-options" },
        { "fresh over ttl", 400, "invalid-options" },
        { "ttl misspelt", 400, "invalid-request" },
        { "query on delete", 400, "invalid-request" },
        { "query on invalidate", 400, "invalid-request" },
        { "max-age not a number", 400, "invalid-header" },
        { "100 MB body", 413, "value-too-large" },
        { "2 MB chunked body", 413, "value-too-large" },
        { "star mixed with tags", 400, "invalid-header" },
        { "weak prefix then whitespace", 400, "invalid-header" },
        { "stale If-Match", 412, "precondition-failed" },
        { "made-up lease token", 409, "lease-voided" },
        { "tag too long", 400, "invalid-options" },
        { "increment by text", 400, "invalid-options" },
        { "increment of text", 409, "not-integer" },
        { "expire ttl NaN", 400, "invalid-options" },
        { "expire ttl negative", 400, "invalid-options" },
        { "expire ttl over ten years", 400, "invalid-options" },
        { "expire without ttl", 400, "invalid-options" },
        { "expire without the write scope", 403, "forbidden" },
        { "invalid UTF-8 key", 400, "invalid-key" },
        { "CRLF in the key", 400, "invalid-key" },
        { "space as the key", 400, "invalid-key" },
        { "em space as the key", 400, "invalid-key" },
        { "malformed glob", 400, "invalid-options" },
        { "lone star glob", 400, "invalid-options" },
        { "unanchored glob", 400, "invalid-options" },
        { "33 distinct patterns", 400, "invalid-request" },
        { "event with an empty rule field", 400, "invalid-event" },
        { "tag with a space", 400, "invalid-options" },
        { "tag with a quote", 400, "invalid-options" },
        { "invalidate a tag with a space", 400, "invalid-options" },
        { "content type that is not a media type", 400, "invalid-request" },
        { "content type with a bad parameter", 400, "invalid-request" },
        { "broken invalidate body", 400, "invalid-request" },
        { "broken event JSON", 400, "invalid-event" },
        { "event nested 100 deep", 400, "invalid-event" },
        { "unknown policy", 404, "unknown-policy" },
        { "permits overflowing", 400, "invalid-ratelimit-request" },
        { "permits negative", 400, "invalid-ratelimit-request" },
        { "text/plain invalidate body", 415, "unsupported-media-type" },
        { "invalidate without Content-Type", 415, "unsupported-media-type" },
        { "form-encoded event", 415, "unsupported-media-type" },
        { "text/plain batch body", 415, "unsupported-media-type" },
        { "foreign Host on a read", 400, "invalid-host" },
        { "foreign Host on a write", 400, "invalid-host" },
        { "loopback-looking foreign Host", 400, "invalid-host" },
        { "dot segment before the key", 400, "invalid-request" },
        { "dot-dot segment before the key", 400, "invalid-request" },
        { "encoded dot-dot segment", 400, "invalid-request" },
        { "fill past the per-key waiter cap", 503, "too-many-waiters" },
        { "fill past the per-client waiter cap", 503, "too-many-waiters" },
        { "no API key", 401, "unauthorized" },
        { "wrong API key", 401, "unauthorized" },
        { "key without the write scope", 403, "forbidden" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileRequest_IsAProblem_AndChangesNothing(string name, int status, string type)
    {
        var key = CacheTestCluster.NewKey("matrix");
        var written = await fixture.Cluster.Cache.SetAsync(key, "sentinel", new CacheEntryOptions { Tags = ["matrix"] });

        using var response = await Attack(name, key);

        await HttpAssert.ProblemAsync(response, (HttpStatusCode)status, type);
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

        HttpRequestMessage PutTyped(string contentType)
        {
            var request = HttpCalls.Request(HttpMethod.Put, path);
            request.Content = new ByteArrayContent("new value"u8.ToArray());
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return request;
        }

        HttpRequestMessage Post(string target, string json) =>
            new(HttpMethod.Post, target) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

        return name switch
        {
            "ttl NaN" => client.SendAsync(Put("?ttl=NaN")),
            "ttl negative" => client.SendAsync(Put("?ttl=-1")),
            "durability unknown" => client.SendAsync(Put("?durability=eventually")),
            "ttl overflowing" => client.SendAsync(Put("?ttl=99999999999999999")),
            "fresh over ttl" => client.SendAsync(Put("?ttl=10&fresh=20")),
            "ttl misspelt" => client.SendAsync(Put("?tll=10")),
            "query on delete" => client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path + "?force=1")),
            "query on invalidate" => client.SendAsync(Post("/v1/invalidate?all=1", "{\"keys\":[\"" + key + "\"]}")),
            "max-age not a number" => client.SendAsync(Put(string.Empty, ("Cache-Control", "max-age=soon"))),
            "100 MB body" => client.SendAsync(HundredMegabytes(path)),
            "2 MB chunked body" => client.SendAsync(Chunked(path, 2 * 1024 * 1024)),
            "star mixed with tags" => client.SendAsync(Put(string.Empty, ("If-None-Match", "\"1\", *"))),
            "weak prefix then whitespace" => client.SendAsync(Put(string.Empty, ("If-Match", "W/\t"))),
            "stale If-Match" => client.SendAsync(Put(string.Empty, ("If-Match", "\"1\""))),
            "made-up lease token" => client.SendAsync(Put(string.Empty, ("Cache-Lease", "424242"))),
            "tag too long" => client.SendAsync(Put(string.Empty, ("Cache-Tag", new string('t', 300)))),
            "increment by text" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path + "/increment?by=ten")),
            "increment of text" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path + "/increment")),
            "expire ttl NaN" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path + "/expire?ttl=NaN")),
            "expire ttl negative" => client.SendAsync(new HttpRequestMessage(HttpMethod.Patch, path + "/expire?ttl=-1")),
            "expire ttl over ten years" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path + "/expire?ttl=315360001")),
            "expire without ttl" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path + "/expire")),
            "expire without the write scope" => _guarded.Client.SendAsync(WithKey(new HttpRequestMessage(HttpMethod.Post, path + "/expire?ttl=1"), "reader-secret-0123456789")),
            "invalid UTF-8 key" => client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/v1/cache/%FF%FE") { Content = new StringContent("x") }),
            "space as the key" => client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/v1/cache/%20") { Content = new StringContent("x") }),
            "em space as the key" => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/cache/%E2%80%83")),
            "CRLF in the key" => client.SendAsync(new HttpRequestMessage(HttpMethod.Put, path + "%0D%0AX-Injected:%201") { Content = new StringContent("x") }),
            "malformed glob" => client.SendAsync(Post("/v1/invalidate", "{\"patterns\":[\"matrix:[abc\"]}")),
            "lone star glob" => client.SendAsync(Post("/v1/invalidate", "{\"patterns\":[\"*\"]}")),
            "unanchored glob" => client.SendAsync(Post("/v1/invalidate", "{\"patterns\":[\"?*\"]}")),
            "33 distinct patterns" => client.SendAsync(Post("/v1/invalidate", "{\"patterns\":[" + string.Join(',', Enumerable.Range(0, 33).Select(i => $"\"{key}{i}*\"")) + "]}")),
            "event with an empty rule field" => client.SendAsync(Post("/v1/events", "{\"type\":\"user.updated\",\"data\":{\"user_id\":\"\"}}")),
            "tag with a space" => client.SendAsync(Put(string.Empty, ("Cache-Tag", "matrix, team a"))),
            "tag with a quote" => client.SendAsync(Put(string.Empty, ("Cache-Tag", "a\"b"))),
            "invalidate a tag with a space" => client.SendAsync(Post("/v1/invalidate", "{\"tags\":[\"matrix a\"]}")),
            "content type that is not a media type" => client.SendAsync(PutTyped("plain text")),
            "content type with a bad parameter" => client.SendAsync(PutTyped("text/plain; charset")),
            "broken invalidate body" => client.SendAsync(Post("/v1/invalidate", "{\"keys\":[")),
            "broken event JSON" => client.SendAsync(Post("/v1/events", "{\"type\":\"user.updated\",\"data\":{")),
            "event nested 100 deep" => client.SendAsync(Post("/v1/events", "{\"type\":\"user.updated\",\"data\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 101))),
            "unknown policy" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/ratelimit/no-such-policy/" + Uri.EscapeDataString(key))),
            "permits overflowing" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/ratelimit/{TestPolicies.Fixed}/{Uri.EscapeDataString(key)}?permits=99999999999")),
            "permits negative" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/v1/ratelimit/{TestPolicies.Fixed}/{Uri.EscapeDataString(key)}?permits=-1")),
            "text/plain batch body" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/cache/_batch") { Content = new StringContent("[{\"op\":\"del\",\"key\":\"" + key + "\"}]", Encoding.UTF8, "text/plain") }),
            "text/plain invalidate body" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/invalidate") { Content = new StringContent("{\"patterns\":[\"?*\"],\"keys\":[\"" + key + "\"]}", Encoding.UTF8, "text/plain") }),
            "invalidate without Content-Type" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/invalidate") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"keys\":[\"" + key + "\"]}")) }),
            "form-encoded event" => client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new FormUrlEncodedContent([new("type", "user.updated")]) }),
            "foreign Host on a read" => client.SendAsync(WithHost(new HttpRequestMessage(HttpMethod.Get, path), "attacker.example")),
            "foreign Host on a write" => client.SendAsync(WithHost(Put(), "attacker.example:" + fixture.Server.Address.Port)),
            "loopback-looking foreign Host" => client.SendAsync(WithHost(Put(), "localhost.attacker.example")),
            "dot segment before the key" => RawHttp.SendAsync(fixture.Server.Address, "PUT", "/v1/./cache/" + Uri.EscapeDataString(key), "new value"),
            "dot-dot segment before the key" => RawHttp.SendAsync(fixture.Server.Address, "PUT", "/v1/cache/x/../" + Uri.EscapeDataString(key), "new value"),
            "encoded dot-dot segment" => RawHttp.SendAsync(fixture.Server.Address, "PUT", "/v1/cache/%2E%2e/cache/" + Uri.EscapeDataString(key), "new value"),
            "fill past the per-key waiter cap" => WithWaiters(key, "192.0.2.1", fixture.Server.Services.GetRequiredService<IOptions<CacheClusterHttpOptions>>().Value.MaxLeaseWaitersPerKey, sameKey: true, () => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path + "?fill=1"))),
            "fill past the per-client waiter cap" => WithWaiters(key, "127.0.0.1", fixture.Server.Services.GetRequiredService<IOptions<CacheClusterHttpOptions>>().Value.MaxLeaseWaitersPerClient, sameKey: false, () => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path + "?fill=1"))),
            "no API key" => _guarded.Client.SendAsync(Put()),
            "wrong API key" => _guarded.Client.SendAsync(WithKey(Put(), "reader-secreT")),
            "key without the write scope" => _guarded.Client.SendAsync(WithKey(Put(), "reader-secret-0123456789")),
            _ => throw new InvalidOperationException($"No case '{name}'."),
        };
    }

    private static HttpRequestMessage WithHost(HttpRequestMessage request, string host)
    {
        request.Headers.Host = host;
        return request;
    }

    /// <summary>
    /// Holds <paramref name="count"/> waiter places (on the key itself from another address, or on other keys from
    /// this client's address) as in-flight fills would, sends the request, and gives the places back.
    /// </summary>
    private async Task<HttpResponseMessage> WithWaiters(string key, string client, int count, bool sameKey, Func<Task<HttpResponseMessage>> send)
    {
        var waiters = fixture.Server.Services.GetRequiredService<LeaseWaiters>();
        var held = Enumerable.Range(0, count).Select(i => sameKey ? key : $"{key}:held:{i}").ToList();
        foreach (var name in held)
        {
            Assert.Null(waiters.TryEnter(name, client));
        }

        try
        {
            var response = await send();
            Assert.Equal("1", HttpAssert.Header(response, "Retry-After"));
            return response;
        }
        finally
        {
            foreach (var name in held)
            {
                waiters.Leave(name, client);
            }
        }
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>A PUT whose body has no Content-Length (Transfer-Encoding: chunked), so the limit is found while reading.</summary>
    private static HttpRequestMessage Chunked(string path, int bytes)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = new StreamContent(new UnknownLengthStream(new byte[bytes])) };
        request.Headers.TransferEncodingChunked = true;
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
