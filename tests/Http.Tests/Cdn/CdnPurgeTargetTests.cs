using System.Text.Json;
using CacheCluster.Http.Cdn;
using CacheCluster.Hosting;

namespace CacheCluster.Tests.Cdn;

/// <summary>The request shapes each CDN gets, and their batching.</summary>
public sealed class CdnPurgeTargetTests
{
    private static readonly Uri PublicBase = new("https://cache.example.com");

    private static CloudflarePurgeTarget Cloudflare() =>
        new(new CloudflarePurgeOptions { ZoneId = "zone1", ApiToken = "cf-token", ApiUrl = "http://cf.test/client/v4/" }, PublicBase);

    private static FastlyPurgeTarget Fastly(bool soft = false, bool purgeAllForPatterns = true) =>
        new(new FastlyPurgeOptions { ServiceId = "svc1", ApiToken = "fastly-token", ApiUrl = "http://fastly.test", SoftPurge = soft, PurgeAllForPatterns = purgeAllForPatterns }, PublicBase);

    private static async Task<(string Method, string Url, Dictionary<string, string> Headers, string Body)> Render(PurgeRequest purge)
    {
        using var request = purge.Create!();
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync();
        return (request.Method.Method, request.RequestUri!.ToString(), headers, body);
    }

    [Fact]
    public async Task Cloudflare_PurgesFilesTagsAndPrefixes_WithTheZoneEndpointAndBearerToken()
    {
        var plan = Cloudflare().Plan(["product:7"], ["entity:9"], ["products:list*", "user:4\\*2?x"]).ToList();

        Assert.Equal(["url", "tag", "prefix"], plan.Select(p => p.Kind));
        var files = await Render(plan[0]);
        Assert.Equal(("POST", "http://cf.test/client/v4/zones/zone1/purge_cache"), (files.Method, files.Url));
        Assert.Equal("Bearer cf-token", files.Headers["Authorization"]);
        Assert.Equal("""{"files":["https://cache.example.com/v1/cache/product%3A7"]}""", files.Body);
        Assert.Equal("""{"tags":["entity:9"]}""", (await Render(plan[1])).Body);
        Assert.Equal("""{"prefixes":["cache.example.com/v1/cache/products%3Alist","cache.example.com/v1/cache/user%3A4%2A2"]}""", (await Render(plan[2])).Body);
    }

    [Fact]
    public async Task Cloudflare_BatchesAtMost100PerRequest_AndAPatternCoveringEverythingPurgesEverything()
    {
        var tags = Enumerable.Range(0, 250).Select(i => $"t{i}").ToArray();
        var plan = Cloudflare().Plan([], tags, []).ToList();
        Assert.Equal([100, 100, 50], plan.Select(p => p.Count));
        using (var body = JsonDocument.Parse((await Render(plan[2])).Body))
        {
            Assert.Equal("t249", body.RootElement.GetProperty("tags")[49].GetString());
        }

        var everything = Cloudflare().Plan([], [], ["*"]).Single();
        Assert.Equal(("all", """{"purge_everything":true}"""), (everything.Kind, (await Render(everything)).Body));
    }

    [Fact]
    public async Task Fastly_PurgesUrlsAndSurrogateKeys_InBatchesOf256_SoftWhenAsked()
    {
        var tags = Enumerable.Range(0, 600).Select(i => $"t{i}").ToArray();
        var plan = Fastly(soft: true).Plan(["product:7"], tags, []).ToList();

        Assert.Equal([1, 256, 256, 88], plan.Select(p => p.Count));
        var url = await Render(plan[0]);
        Assert.Equal(("POST", "http://fastly.test/purge/cache.example.com/v1/cache/product%3A7"), (url.Method, url.Url));
        Assert.Equal("fastly-token", url.Headers["Fastly-Key"]);
        Assert.Equal("1", url.Headers["Fastly-Soft-Purge"]);
        var keys = await Render(plan[1]);
        Assert.Equal("http://fastly.test/service/svc1/purge", keys.Url);
        Assert.StartsWith("""{"surrogate_keys":["t0","t1",""", keys.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fastly_HasNoPrefixPurge_SoPatternsPurgeAll_OrAreReportedUnsupported()
    {
        var all = Fastly(soft: true).Plan([], [], ["user:42*", "users:list*"]).Single();
        var rendered = await Render(all);
        Assert.Equal(("all", "http://fastly.test/service/svc1/purge_all"), (all.Kind, rendered.Url));
        Assert.False(rendered.Headers.ContainsKey("Fastly-Soft-Purge"));

        var unsupported = Fastly(purgeAllForPatterns: false).Plan([], [], ["user:42*"]).Single();
        Assert.Null(unsupported.Create);
    }

    [Fact]
    public async Task Varnish_PurgesUrls_AndBansTagsAndPrefixes()
    {
        var varnish = new VarnishPurgeTarget(new VarnishPurgeOptions { Url = "http://127.0.0.1:6081/", Host = "cache.example.com" });
        var plan = varnish.Plan(["user:42"], ["entity:a.b"], ["user:42*"]).ToList();

        var purge = await Render(plan[0]);
        Assert.Equal(("PURGE", "http://127.0.0.1:6081/v1/cache/user%3A42", "cache.example.com"), (purge.Method, purge.Url, purge.Headers["Host"]));
        var tag = await Render(plan[1]);
        Assert.Equal(("BAN", @"entity:a\.b"), (tag.Method, tag.Headers["X-Ban-Tag"]));
        Assert.Equal("^/v1/cache/user%3A42", (await Render(plan[2])).Headers["X-Ban-Url"]);
        Assert.Equal("^/v1/cache/", (await Render(varnish.PlanPurgeAll().Single())).Headers["X-Ban-Url"]);
    }
}
