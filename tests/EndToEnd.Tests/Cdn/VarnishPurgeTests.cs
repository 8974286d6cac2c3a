using System.Net;
using System.Text;
using System.Text.Json;
using CacheCluster.Tests.EndToEnd;
using CacheCluster.Tests.Fixtures;
using CacheCluster.Tests.Http;

namespace CacheCluster.Tests.Cdn;

/// <summary>
/// A real Varnish (scripts/varnish/cachecluster.vcl) in front of a real silo process whose CDN purger points at it:
/// responses are cached by Varnish, and an event or an invalidation purges them.
/// </summary>
[Collection(EndToEndCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class VarnishPurgeTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan PurgeDeadline = TimeSpan.FromSeconds(30);
    private VarnishServer? _varnish;
    private SiloProcess? _silo;
    private HttpClient _origin = null!;
    private HttpClient _edge = null!;

    public async Task InitializeAsync()
    {
        // Varnish must know the silo's HTTP port and the silo Varnish's address before either starts: when the silo
        // finds its port taken, both start again on new ports.
        for (var attempt = 1; ; attempt++)
        {
            var httpPort = LoopbackPorts.Next();
            var varnish = await VarnishServer.StartAsync(httpPort);
            try
            {
                _silo = await SiloProcess.StartOnHttpPortAsync(
                    null,
                    httpPort,
                    $"--CacheCluster:Cdn:Varnish:Url={varnish.Url}",
                    "--CacheCluster:Invalidation:ResumeInterval=00:00:00.500");
                _varnish = varnish;
                _origin = new HttpClient { BaseAddress = _silo.HttpAddress };
                _edge = new HttpClient { BaseAddress = new Uri(varnish.Url + "/") };
                return;
            }
            catch (Exception ex)
            {
                await varnish.DisposeAsync();
                if (ex is not PortInUseException || attempt == LoopbackPorts.FreshAttempts)
                {
                    throw;
                }
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_varnish is not null)
        {
            await _varnish.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _origin?.Dispose();
        _edge?.Dispose();
    }

    private async Task PutAsync(string key, string value, string? tag = null)
    {
        var headers = new List<(string, string)> { ("Cache-Control", "max-age=300") };
        if (tag is not null)
        {
            headers.Add(("Cache-Tag", tag));
        }

        var put = await _origin.PutAsync(HttpCalls.PathOf(key), value, "text/plain", [.. headers]);
        Assert.True(put.IsSuccessStatusCode, $"PUT {key}: {(int)put.StatusCode}");
    }

    private async Task<(string Body, string Cache)> EdgeGetAsync(string key)
    {
        var response = await _edge.GetAsync(HttpCalls.PathOf(key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(), HttpAssert.Header(response, "X-Cache"));
    }

    /// <summary>Reads through Varnish until it serves <paramref name="expected"/>: the purge is asynchronous to the request that caused it.</summary>
    private async Task AssertEdgeServesAsync(string key, string expected)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        string body;
        do
        {
            var response = await _edge.GetAsync(HttpCalls.PathOf(key));
            body = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : $"({(int)response.StatusCode})";
            if (body == expected)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }
        while (TimeProvider.System.GetElapsedTime(deadline) < PurgeDeadline);

        Assert.Fail($"Varnish still served '{body}' for {key} {PurgeDeadline.TotalSeconds} s after the invalidation; expected '{expected}'.");
    }

    [Fact]
    public async Task CachedResponse_IsPurgedByAnEvent_AndTheNextRequestGetsTheNewValue()
    {
        var product = Guid.NewGuid().ToString("N");
        var key = $"product:{product}";
        await PutAsync(key, "v1");
        Assert.Equal(("v1", "MISS"), await EdgeGetAsync(key));
        Assert.Equal(("v1", "HIT"), await EdgeGetAsync(key));

        // Varnish keeps serving its copy: only a purge makes it see a change.
        await PutAsync(key, "v2");
        Assert.Equal(("v1", "HIT"), await EdgeGetAsync(key));

        var published = await _origin.PostAsync("/v1/events", new StringContent(
            JsonSerializer.Serialize(new { type = "product.updated", data = new { product_id = product } }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        await PutAsync(key, "v3");

        await AssertEdgeServesAsync(key, "v3");
    }

    [Fact]
    public async Task TagInvalidation_BansEveryResponseCarryingTheTag_AndOnlyThose()
    {
        var tag = "t" + Guid.NewGuid().ToString("N")[..8];
        var (a, b, other) = ($"a:{tag}", $"b:{tag}", $"c:{tag}");
        await PutAsync(a, "a1", tag);
        await PutAsync(b, "b1", tag + ", shared");
        await PutAsync(other, "c1", "unrelated");
        foreach (var key in new[] { a, b, other })
        {
            await EdgeGetAsync(key);
            Assert.Equal("HIT", (await EdgeGetAsync(key)).Cache);
        }

        var invalidated = await _origin.PostAsync("/v1/invalidate", new StringContent(JsonSerializer.Serialize(new { tags = new[] { tag } }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, invalidated.StatusCode);
        await PutAsync(a, "a2", tag);
        await PutAsync(b, "b2", tag);
        await PutAsync(other, "c2", "unrelated");

        await AssertEdgeServesAsync(a, "a2");
        await AssertEdgeServesAsync(b, "b2");
        Assert.Equal(("c1", "HIT"), await EdgeGetAsync(other));

        // A ban Varnish refuses (a space breaks the ban expression, as a tag with a space once did) answers 400, so the
        // purger counts it as failed, never as purged.
        using var refused = new HttpRequestMessage(new HttpMethod("BAN"), "/");
        refused.Headers.TryAddWithoutValidation("X-Ban-Tag", @"team\ a");
        using var answer = await _edge.SendAsync(refused);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
    }
}
