using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CacheCluster.Tests.Fixtures;
using CacheCluster.Tests.Http;

namespace CacheCluster.Tests.Hardening;

/// <summary>
/// The hostile-input matrix of the API's doors (issue 20): a key limited to the prefix <c>tenant-a:</c> reaching past
/// it, and an address that sent too many wrong keys. Each gets its problem+json, and the entry it aimed at (outside
/// the prefix, tagged) reads back exactly as before.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class DoorBadInputTests(HttpClusterFixture fixture) : IAsyncLifetime
{
    public const string TenantKey = "tenant-a-key-0123456789";
    public const string FullKey = "full-access-key-0123456789";

    private static readonly Dictionary<string, string?> Keys = new()
    {
        ["CacheCluster:Http:ApiKeys:tenant:Key"] = TenantKey,
        ["CacheCluster:Http:ApiKeys:tenant:Scopes"] = "read,write,invalidate,ratelimit",
        ["CacheCluster:Http:ApiKeys:tenant:KeyPrefixes:0"] = "tenant-a:",
        ["CacheCluster:Http:ApiKeys:tenant:KeyPrefixes:1"] = "shared:tenant-a:",
        ["CacheCluster:Http:ApiKeys:full:Key"] = FullKey,
        ["CacheCluster:Http:ApiKeys:full:Scopes"] = "read,write",
        ["CacheCluster:Http:FailedKeyAttempts"] = "3",
    };

    private HttpTestServer _server = null!;

    public async Task InitializeAsync() => _server = await HttpTestServer.StartAsync(fixture.Cluster, Keys);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, int, string> Cases => new()
    {
        { "prefixed key reads another key", 403, "forbidden" },
        { "prefixed key writes another key", 403, "forbidden" },
        { "prefixed key deletes another key", 403, "forbidden" },
        { "prefixed key increments another key", 403, "forbidden" },
        { "prefixed key expires another key", 403, "forbidden" },
        { "prefixed key takes another key's fill lease", 403, "forbidden" },
        { "prefixed key invalidates another key", 403, "forbidden" },
        { "prefixed key invalidates an owned and another key", 403, "forbidden" },
        { "prefixed key pattern with an empty literal prefix", 403, "forbidden" },
        { "prefixed key pattern shorter than its prefix", 403, "forbidden" },
        { "prefixed key pattern escaping into a class", 403, "forbidden" },
        { "prefixed key invalidates a tag", 403, "forbidden" },
        { "prefixed key publishes an event", 403, "forbidden" },
        { "prefixed key on another identifier's rate limit", 403, "forbidden" },
        { "address after too many wrong keys, with a right key", 429, "rate-limited" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileRequest_IsAProblem_AndChangesNothing(string name, int status, string type)
    {
        var key = CacheTestCluster.NewKey("matrix");
        var written = await fixture.Cluster.Cache.SetAsync(key, "5", new CacheEntryOptions { Tags = ["matrix"] });

        using var response = await Attack(name, key);

        await HttpAssert.ProblemAsync(response, (HttpStatusCode)status, type);
        var read = await fixture.Cluster.Cache.TryGetAsync<string>(key);
        Assert.Equal(("5", written.Version), (read.Value, read.Version));
    }

    private async Task<HttpResponseMessage> Attack(string name, string key)
    {
        var path = HttpCalls.PathOf(key);
        var owned = CacheTestCluster.NewKey("tenant-a");
        HttpRequestMessage Post(string target, string json) =>
            new(HttpMethod.Post, target) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        HttpRequestMessage Put()
        {
            var request = HttpCalls.Request(HttpMethod.Put, path);
            request.Content = new StringContent("6", Encoding.UTF8, "text/plain");
            return request;
        }

        var request = name switch
        {
            "prefixed key reads another key" => new HttpRequestMessage(HttpMethod.Get, path),
            "prefixed key writes another key" => Put(),
            "prefixed key deletes another key" => new HttpRequestMessage(HttpMethod.Delete, path),
            "prefixed key increments another key" => new HttpRequestMessage(HttpMethod.Post, path + "/increment"),
            "prefixed key expires another key" => new HttpRequestMessage(HttpMethod.Post, path + "/expire?ttl=1"),
            "prefixed key takes another key's fill lease" => new HttpRequestMessage(HttpMethod.Get, path + "?fill=1"),
            "prefixed key invalidates another key" => Post("/v1/invalidate", $"{{\"keys\":[\"{key}\"]}}"),
            "prefixed key invalidates an owned and another key" => Post("/v1/invalidate", $"{{\"keys\":[\"{owned}\",\"{key}\"]}}"),
            "prefixed key pattern with an empty literal prefix" => Post("/v1/invalidate", "{\"patterns\":[\"?*\"],\"allowAll\":true}"),
            "prefixed key pattern shorter than its prefix" => Post("/v1/invalidate", "{\"patterns\":[\"tenant-a*\",\"matrix:*\"]}"),
            "prefixed key pattern escaping into a class" => Post("/v1/invalidate", "{\"patterns\":[\"tenant-a[:x]*\"]}"),
            "prefixed key invalidates a tag" => Post("/v1/invalidate", "{\"tags\":[\"matrix\"]}"),
            "prefixed key publishes an event" => Post("/v1/events", "{\"type\":\"user.updated\",\"data\":{\"user_id\":\"1\"}}"),
            "prefixed key on another identifier's rate limit" => new HttpRequestMessage(HttpMethod.Post, $"/v1/ratelimit/{TestPolicies.Fixed}/{Uri.EscapeDataString(key)}"),
            "address after too many wrong keys, with a right key" => await AfterWrongKeysAsync(Put()),
            _ => throw new InvalidOperationException($"No case '{name}'."),
        };

        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", TenantKey);
        return await _server.Client.SendAsync(request);
    }

    /// <summary>Sends <c>FailedKeyAttempts</c> (3) wrong keys, each a 401, then gives the request the right, unlimited key.</summary>
    private async Task<HttpRequestMessage> AfterWrongKeysAsync(HttpRequestMessage request)
    {
        for (var i = 0; i < 3; i++)
        {
            using var wrong = new HttpRequestMessage(HttpMethod.Get, HttpCalls.PathOf("any")) { Headers = { Authorization = new("Bearer", $"guess-{i}-0123456789abcdef") } };
            using var refused = await _server.Client.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FullKey);
        return request;
    }
}
