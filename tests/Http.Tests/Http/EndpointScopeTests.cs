using System.Net;
using System.Net.Http.Headers;
using CacheCluster.Http.Auth;
using CacheCluster.Tests.Fixtures;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Http;

/// <summary>
/// Every endpoint the API maps, found through its <see cref="EndpointDataSource"/>, requires the scope this table
/// gives it, or is one of the deliberately public health probes. A new endpoint fails here until it is added to the
/// table; and each one is called for real: 401 without a key, 403 with every scope but its own, let through with it.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class EndpointScopeTests(HttpClusterFixture fixture) : IAsyncLifetime
{
    /// <summary>
    /// Route and method to scope (<see langword="null"/> = public) and the status the call below gets when let through,
    /// each with a key of its own: a miss for reads and deletes, a create for PUT.
    /// </summary>
    private static readonly Dictionary<(string Route, string Method), (string? Scope, HttpStatusCode Allowed)> Expected = new()
    {
        [("/v1/cache/{key}", "GET")] = (ApiScopes.Read, HttpStatusCode.NotFound),
        [("/v1/cache/{key}", "HEAD")] = (ApiScopes.Read, HttpStatusCode.NotFound),
        [("/v1/cache/{key}", "PUT")] = (ApiScopes.Write, HttpStatusCode.Created),
        [("/v1/cache/{key}", "DELETE")] = (ApiScopes.Write, HttpStatusCode.NotFound),
        [("/v1/cache/{key}/increment", "POST")] = (ApiScopes.Write, HttpStatusCode.OK),

        // A batch takes read or write; each of its operations then checks its own (see the test below).
        [("/v1/cache/_batch", "POST")] = (ApiScopes.Read, HttpStatusCode.OK),

        // Without ?ttl= the expire is a 400, but past the scope check.
        [("/v1/cache/{key}/expire", "POST")] = (ApiScopes.Write, HttpStatusCode.BadRequest),
        [("/v1/cache/{key}/expire", "PATCH")] = (ApiScopes.Write, HttpStatusCode.BadRequest),
        [("/v1/cache/{key}/persist", "POST")] = (ApiScopes.Write, HttpStatusCode.NotFound),
        [("/v1/cache/{key}/touch", "POST")] = (ApiScopes.Write, HttpStatusCode.NotFound),
        [("/v1/invalidate", "POST")] = (ApiScopes.Invalidate, HttpStatusCode.OK),
        [("/v1/events", "POST")] = (ApiScopes.Invalidate, HttpStatusCode.Accepted),
        [("/v1/ratelimit/{policy}/{identifier}", "POST")] = (ApiScopes.RateLimit, HttpStatusCode.OK),
        [("/metrics", "GET")] = (ApiScopes.Admin, HttpStatusCode.OK),
        [("/v1/cluster", "GET")] = (ApiScopes.Admin, HttpStatusCode.OK),
        [("/v1/cluster/hotkeys", "GET")] = (ApiScopes.Admin, HttpStatusCode.OK),
        [("/v1/cluster/slowlog", "GET")] = (ApiScopes.Admin, HttpStatusCode.OK),
        [("/health/live", "GET")] = (null, HttpStatusCode.OK),
        [("/health/ready", "GET")] = (null, HttpStatusCode.OK),
    };

    private HttpTestServer _server = null!;

    public async Task InitializeAsync()
    {
        // One key per scope, named after it, whose secret is "{scope}-secret-0123456789".
        var settings = ApiScopes.All.SelectMany(scope => new[]
        {
            KeyValuePair.Create<string, string?>($"CacheCluster:Http:ApiKeys:{scope}:Key", $"{scope}-secret-0123456789"),
            KeyValuePair.Create<string, string?>($"CacheCluster:Http:ApiKeys:{scope}:Scopes", scope),
        }).ToDictionary();
        _server = await HttpTestServer.StartAsync(fixture.Cluster, settings);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EveryMappedEndpoint_RequiresItsScope_OrIsDeclaredPublic()
    {
        var mapped = _server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (Route: "/" + endpoint.RoutePattern.RawText!.TrimStart('/'), Method: method, Endpoint: endpoint)))
            .ToList();

        // The table and the mapped endpoints are the same set: nothing mapped without a decision, nothing stale.
        Assert.Equal(Expected.Keys.Order(), mapped.Select(m => (m.Route, m.Method)).Order());

        foreach (var (route, method, endpoint) in mapped)
        {
            var (expected, allowedStatus) = Expected[(route, method)];
            var scope = endpoint.Metadata.GetMetadata<RequiredScope>()?.Scope;
            var isPublic = endpoint.Metadata.GetMetadata<PublicEndpoint>() is not null;
            Assert.True(expected is null ? isPublic && scope is null : !isPublic && scope == expected, $"{method} {route}: scope '{scope}', public {isPublic}; expected {expected ?? "public"}.");

            var path = route.Replace("{key}", CacheTestCluster.NewKey("scope"), StringComparison.Ordinal)
                .Replace("{policy}", TestPolicies.Wide, StringComparison.Ordinal)
                .Replace("{identifier}", "scope-test", StringComparison.Ordinal);
            if (expected is null)
            {
                Assert.Equal(allowedStatus, (await SendAsync(method, path, key: null)).StatusCode);
                continue;
            }

            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(method, path, key: null)).StatusCode);
            var alternative = endpoint.Metadata.GetMetadata<RequiredScope>()?.OrScope;
            foreach (var other in ApiScopes.All.Where(s => s != expected && s != ApiScopes.Admin && s != alternative))
            {
                var refused = await SendAsync(method, path, $"{other}-secret-0123456789");
                Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{method} {route} with only '{other}': {(int)refused.StatusCode}.");
            }

            var allowed = await SendAsync(method, path, $"{expected}-secret-0123456789");
            Assert.True(allowed.StatusCode == allowedStatus, $"{method} {route} with '{expected}': {(int)allowed.StatusCode}, expected {(int)allowedStatus}: {await allowed.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Batch_EachOperationNeedsItsOwnScope_AndFailsAloneWithout()
    {
        var key = CacheTestCluster.NewKey("scope");
        var body = $$"""[{"op":"set","key":"{{key}}","value":"v"},{"op":"get","key":"{{key}}"},{"op":"del","key":"{{key}}x"}]""";

        var readOnly = await BatchStatusesAsync(body, "read-secret-0123456789");
        var writeOnly = await BatchStatusesAsync(body, "write-secret-0123456789");
        var refused = await SendAsync("POST", "/v1/cache/_batch", "invalidate-secret-0123456789");

        Assert.Equal(new[] { 403, 404, 403 }, readOnly);
        Assert.Equal(new[] { 201, 403, 404 }, writeOnly);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private async Task<int[]> BatchStatusesAsync(string body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/cache/_batch") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var response = await _server.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var answers = System.Text.Json.JsonDocument.Parse(text);
        return [.. answers.RootElement.EnumerateArray().Select(answer => answer.GetProperty("status").GetInt32())];
    }

    private Task<HttpResponseMessage> SendAsync(string method, string path, string? key)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        if (method is "PUT" or "POST")
        {
            var body = method == "PUT" ? "v"
                : path.StartsWith("/v1/cache/_batch", StringComparison.Ordinal) ? """[{"op":"get","key":"scope-test"}]"""
                : path.StartsWith("/v1/events", StringComparison.Ordinal) ? $$$"""{"type":"product.updated","data":{"product_id":"{{{Guid.NewGuid():N}}}"}}"""
                : """{"keys":["scope-test"]}""";
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, method == "PUT" ? "text/plain" : "application/json");
        }

        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return _server.Client.SendAsync(request);
    }
}
