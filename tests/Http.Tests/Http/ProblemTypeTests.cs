using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary>
/// Problem types that only a particular state produces: a list where a value is expected, an integer at its limit, a
/// method a route does not have, a request the silo refuses, and a fill lease someone else holds.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class ProblemTypeTests(HttpClusterFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private IClusterCache Cache => fixture.Cluster.Cache;

    [Fact]
    public async Task ValueRequests_OnAList_Answer409WrongType_AndLeaveTheList()
    {
        var key = CacheTestCluster.NewKey("problem-list");
        await Cache.ListPushAsync(key, ListEnd.Tail, ["a", "b"]);

        await HttpAssert.ProblemAsync(await Client.GetKeyAsync(key), HttpStatusCode.Conflict, "wrong-type");
        await HttpAssert.ProblemAsync(await Client.SendAsync(HttpCalls.Request(HttpMethod.Get, HttpCalls.PathOf(key) + "?fill=1")), HttpStatusCode.Conflict, "wrong-type");
        await HttpAssert.ProblemAsync(await Client.PostAsync(HttpCalls.PathOf(key) + "/increment", content: null), HttpStatusCode.Conflict, "wrong-type");

        Assert.Equal(["a", "b"], await Cache.ListRangeAsync<string>(key));
    }

    [Fact]
    public async Task Increment_PastInt64Range_Answers409IntegerOverflow_AndKeepsTheValue()
    {
        var key = CacheTestCluster.NewKey("problem-overflow");
        var low = CacheTestCluster.NewKey("problem-underflow");
        Assert.Equal(HttpStatusCode.Created, (await Client.PutKeyAsync(key, (long.MaxValue - 1).ToString(CultureInfo.InvariantCulture))).StatusCode);

        var toMax = await Client.PostAsync(HttpCalls.PathOf(key) + "/increment", content: null);
        var pastMax = await Client.PostAsync(HttpCalls.PathOf(key) + "/increment", content: null);
        var toMin = await Client.PostAsync(HttpCalls.PathOf(low) + "/increment?by=" + long.MinValue.ToString(CultureInfo.InvariantCulture), content: null);
        var pastMin = await Client.PostAsync(HttpCalls.PathOf(low) + "/increment?by=-1", content: null);

        Assert.Equal((HttpStatusCode.OK, long.MaxValue), (toMax.StatusCode, await ValueOfAsync(toMax)));
        await HttpAssert.ProblemAsync(pastMax, HttpStatusCode.Conflict, "integer-overflow");
        Assert.Equal((HttpStatusCode.OK, long.MinValue), (toMin.StatusCode, await ValueOfAsync(toMin)));
        await HttpAssert.ProblemAsync(pastMin, HttpStatusCode.Conflict, "integer-overflow");
        Assert.Equal(long.MaxValue.ToString(CultureInfo.InvariantCulture), await (await Client.GetKeyAsync(key)).Content.ReadAsStringAsync());
        Assert.Equal(long.MinValue.ToString(CultureInfo.InvariantCulture), await (await Client.GetKeyAsync(low)).Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("POST", "/v1/cache/some-key")]
    [InlineData("PATCH", "/v1/cache/some-key")]
    [InlineData("GET", "/v1/cache/some-key/increment")]
    [InlineData("GET", "/v1/invalidate")]
    [InlineData("DELETE", "/v1/ratelimit/fixed10/someone")]
    public async Task MethodTheRouteDoesNotHave_Answers405MethodNotAllowed(string method, string path)
    {
        var response = await Client.SendAsync(HttpCalls.Request(new HttpMethod(method), path));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }

    [Fact]
    public async Task RequestsTheSiloRefuses_Answer400InvalidRequest_AndWriteNothing()
    {
        var key = CacheTestCluster.NewKey("problem-request");
        var tooManyKeys = JsonSerializer.Serialize(new { keys = Enumerable.Range(0, 1001).Select(i => $"{key}:{i}") });

        var nullBody = await Client.PostAsync("/v1/invalidate", new StringContent("null", Encoding.UTF8, "application/json"));
        var tooMany = await Client.PostAsync("/v1/invalidate", new StringContent(tooManyKeys, Encoding.UTF8, "application/json"));
        var badContentType = await Client.PutAsync(HttpCalls.PathOf(key), "v", "text/" + new string('x', 300));

        await HttpAssert.ProblemAsync(nullBody, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("at most 1000 keys", await HttpAssert.ProblemAsync(tooMany, HttpStatusCode.BadRequest, "invalid-request"), StringComparison.Ordinal);
        Assert.Contains("content type", await HttpAssert.ProblemAsync(badContentType, HttpStatusCode.BadRequest, "invalid-request"), StringComparison.Ordinal);
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task FillWithoutWaiting_WhileAnotherCallerHoldsTheLease_Answers404FillPending_ThenTheFilledValue()
    {
        // LeaseWait 0: a caller that finds the lease taken is answered at once instead of waiting for the fill.
        await using var server = await HttpTestServer.StartAsync(fixture.Cluster, new Dictionary<string, string?> { ["CacheCluster:Http:LeaseWait"] = "00:00:00" });
        var key = CacheTestCluster.NewKey("problem-fill");
        var path = HttpCalls.PathOf(key) + "?fill=1";

        var granted = await server.Client.SendAsync(HttpCalls.Request(HttpMethod.Get, path));
        var pending = await server.Client.SendAsync(HttpCalls.Request(HttpMethod.Get, path));

        await HttpAssert.ProblemAsync(granted, HttpStatusCode.NotFound, "key-not-found");
        var token = HttpAssert.Header(granted, "Cache-Lease");
        await HttpAssert.ProblemAsync(pending, HttpStatusCode.NotFound, "fill-pending");
        Assert.Equal("1", HttpAssert.Header(pending, "Retry-After"));
        Assert.False(HttpAssert.HasHeader(pending, "Cache-Lease"));

        Assert.Equal(HttpStatusCode.Created, (await server.Client.PutKeyAsync(key, "filled", ("Cache-Lease", token))).StatusCode);
        var after = await server.Client.SendAsync(HttpCalls.Request(HttpMethod.Get, path));
        Assert.Equal((HttpStatusCode.OK, "filled"), (after.StatusCode, await after.Content.ReadAsStringAsync()));
    }

    private static async Task<long> ValueOfAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("value").GetInt64();
    }
}
