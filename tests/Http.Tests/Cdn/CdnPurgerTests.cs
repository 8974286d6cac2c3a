using System.Text.Json;
using CacheCluster.Tests.Fixtures;
using Orleans.Hosting;

namespace CacheCluster.Tests.Cdn;

/// <summary>The cluster's purger turns published events into Cloudflare and Fastly requests of the exact shape.</summary>
public sealed class CdnPurgerTests : IAsyncLifetime
{
    private readonly RecordingHttpServer _cdn = RecordingHttpServer.Start();
    private CacheTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await CacheTestCluster.StartAsync(2, configure: silo => silo
        .AddCacheClusterCdn(cdn =>
        {
            cdn.PublicBaseUrl = "https://cache.example.com";
            cdn.Cloudflare.ZoneId = "zone1";
            cdn.Cloudflare.ApiToken = "cf-token";
            cdn.Cloudflare.ApiUrl = _cdn.Url + "/cf";
            cdn.Cloudflare.RequestsPerSecond = 1000;
            cdn.Fastly.ServiceId = "svc1";
            cdn.Fastly.ApiToken = "fastly-token";
            cdn.Fastly.ApiUrl = _cdn.Url + "/fastly";
        })
        .AddCacheClusterInvalidation(invalidation => invalidation.ResumeInterval = TimeSpan.FromMilliseconds(200)));

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _cdn.Dispose();
    }

    [Fact]
    public async Task PublishedEvents_BecomePurges_OnEveryConfiguredCdn()
    {
        await _cluster.Client.GetGrain<CacheCluster.Http.Cdn.ICdnPurgerGrain>(0).EnsureSubscribedAsync();

        await _cluster.Cache.PublishAsync(DomainEvent.Create("product.updated", new { product_id = 7 }));
        await _cluster.Cache.PublishAsync(new DomainEvent("e2", TestRules.Tagged, DateTimeOffset.UnixEpoch.AddYears(56), JsonSerializer.Serialize(new { id = "9" })));
        await _cdn.WaitForCount(8);

        var requests = _cdn.Requests.ToArray();
        var cloudflare = requests.Where(r => r.Path.StartsWith("/cf/", StringComparison.Ordinal)).ToArray();
        Assert.All(cloudflare, r => Assert.Equal(("POST", "/cf/zones/zone1/purge_cache", "Bearer cf-token"), (r.Method, r.Path, r.Headers["Authorization"])));
        // The two events are about different entities, so their notices may come in either order.
        Assert.Equal(
            [
                """{"files":["https://cache.example.com/v1/cache/product%3A7","https://cache.example.com/v1/cache/products%3Alist"]}""",
                """{"prefixes":["cache.example.com/v1/cache/products%3Alist%3A"]}""",
                """{"tags":["entity:9"]}""",
                """{"tags":["product:7","products"]}""",
            ],
            cloudflare.Select(r => r.Body).Order(StringComparer.Ordinal));

        var fastly = requests.Where(r => r.Path.StartsWith("/fastly/", StringComparison.Ordinal)).ToArray();
        Assert.All(fastly, r => Assert.Equal(("POST", "fastly-token"), (r.Method, r.Headers["Fastly-Key"])));
        Assert.Equal(
            ["/fastly/purge/cache.example.com/v1/cache/product%3A7", "/fastly/purge/cache.example.com/v1/cache/products%3Alist", "/fastly/service/svc1/purge", "/fastly/service/svc1/purge"],
            fastly.Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["""{"surrogate_keys":["entity:9"]}""", """{"surrogate_keys":["product:7","products"]}"""],
            fastly.Where(r => r.Path == "/fastly/service/svc1/purge").Select(r => r.Body).Order(StringComparer.Ordinal));

        // 999 copies of one key are one purge at each CDN (Fastly's purge_all for patterns is opt-in: none was sent).
        await _cluster.Client.GetGrain<IInvalidationPublisherGrain>(0).InvalidateAsync([.. Enumerable.Repeat("dup:1", 999), "dup:2"], [], [], allowAll: false);
        await _cdn.WaitForCount(11);
        var duplicates = _cdn.Requests.Skip(8).ToArray();
        Assert.Equal(
            """{"files":["https://cache.example.com/v1/cache/dup%3A1","https://cache.example.com/v1/cache/dup%3A2"]}""",
            Assert.Single(duplicates, r => r.Path.StartsWith("/cf/", StringComparison.Ordinal)).Body);
        Assert.Equal(
            ["/fastly/purge/cache.example.com/v1/cache/dup%3A1", "/fastly/purge/cache.example.com/v1/cache/dup%3A2"],
            duplicates.Where(r => r.Path.StartsWith("/fastly/", StringComparison.Ordinal)).Select(r => r.Path).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(_cdn.Requests, r => r.Path.EndsWith("/purge_all", StringComparison.Ordinal));
    }
}
