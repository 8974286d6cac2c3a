using System.Globalization;
using System.Net;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary>Leases over HTTP: GET ?fill=1 hands one caller the lease, PUT with Cache-Lease fills.</summary>
[Collection(HttpCollection.Name)]
public sealed class LeaseTests(HttpClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private HttpClient Client => fixture.Client;

    private Task<HttpResponseMessage> FillAsync(string key) =>
        Client.SendAsync(HttpCalls.Request(HttpMethod.Get, HttpCalls.PathOf(key) + "?fill=1"));

    [Fact]
    public async Task FillOnMissingKey_GrantsOneLeaseAmongConcurrentCallers_OthersGetTheValue()
    {
        var key = CacheTestCluster.NewKey("lease");
        // 24: within the default cap of 32 waiters per key (MaxLeaseWaitersPerKey).
        var callers = Enumerable.Range(0, 24).Select(_ => FillAsync(key)).ToList();

        // Only the lease holder is answered before the fill; the others wait inside the key's grain.
        var first = await (await Task.WhenAny(callers).WaitAsync(Timeout));
        await HttpAssert.ProblemAsync(first, HttpStatusCode.NotFound, "key-not-found");
        var token = HttpAssert.Header(first, "Cache-Lease");
        Assert.True(long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _));
        Assert.Equal("no-store", HttpAssert.Header(first, "Cache-Control"));
        Assert.Equal(1, callers.Count(c => c.IsCompleted));

        var fill = await Client.PutKeyAsync(key, "filled", ("Cache-Lease", token), ("Cache-Control", "max-age=60"));
        Assert.Equal(HttpStatusCode.Created, fill.StatusCode);

        var others = await Task.WhenAll(callers.Where(c => c != callers.First(done => done.IsCompleted && done.Result == first))).WaitAsync(Timeout);
        Assert.Equal(23, others.Length);
        foreach (var response in others)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("filled", await response.Content.ReadAsStringAsync());
            Assert.False(HttpAssert.HasHeader(response, "Cache-Lease"));
        }
    }

    [Fact]
    public async Task Fill_WithVoidedToken_Answers409AndStoresNothing()
    {
        var key = CacheTestCluster.NewKey("lease");
        var granted = await FillAsync(key);
        var token = HttpAssert.Header(granted, "Cache-Lease");

        // A delete voids the outstanding lease (stale-set protection).
        await Client.DeleteAsync(HttpCalls.PathOf(key));
        var fill = await Client.PutKeyAsync(key, "late", ("Cache-Lease", token));

        await HttpAssert.ProblemAsync(fill, HttpStatusCode.Conflict, "lease-voided");
        Assert.False(await fixture.Cluster.Grain(key).ExistsAsync());
    }

    [Fact]
    public async Task FillOnStaleKey_GrantsOneRefreshLeaseWithTheStaleValue()
    {
        var key = CacheTestCluster.NewKey("lease");
        await Client.PutKeyAsync(key, "old", ("Cache-Control", "max-age=10, stale-while-revalidate=100"));
        fixture.Cluster.Clock.Advance(TimeSpan.FromSeconds(20));

        var first = await FillAsync(key);
        var second = await FillAsync(key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("old", await first.Content.ReadAsStringAsync());
        var token = HttpAssert.Header(first, "Cache-Lease");
        Assert.StartsWith("CacheCluster; fwd=stale; ttl=-10", HttpAssert.Header(first, "Cache-Status"), StringComparison.Ordinal);
        Assert.Equal("no-store", HttpAssert.Header(first, "Cache-Control"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.False(HttpAssert.HasHeader(second, "Cache-Lease"));
        Assert.Equal("max-age=0, stale-while-revalidate=90", HttpAssert.Header(second, "Cache-Control"));
        Assert.Equal("CacheCluster; hit; ttl=-10", HttpAssert.Header(second, "Cache-Status"));

        Assert.Equal(HttpStatusCode.NoContent, (await Client.PutKeyAsync(key, "new", ("Cache-Lease", token), ("Cache-Control", "max-age=10"))).StatusCode);
        Assert.Equal("new", await (await Client.GetKeyAsync(key)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Fill_WithPreconditions_Answers400()
    {
        var key = CacheTestCluster.NewKey("lease");
        var token = HttpAssert.Header(await FillAsync(key), "Cache-Lease");

        await HttpAssert.ProblemAsync(await Client.PutKeyAsync(key, "v", ("Cache-Lease", token), ("If-None-Match", "*")), HttpStatusCode.BadRequest, "invalid-header");
        await HttpAssert.ProblemAsync(await Client.PutKeyAsync(key, "v", ("Cache-Lease", "abc")), HttpStatusCode.BadRequest, "invalid-header");
    }
}
