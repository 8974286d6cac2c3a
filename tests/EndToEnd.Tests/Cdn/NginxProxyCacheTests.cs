using System.Globalization;
using System.Net;
using CacheCluster.Tests.EndToEnd;
using CacheCluster.Tests.Fixtures;
using CacheCluster.Tests.Http;

namespace CacheCluster.Tests.Cdn;

/// <summary>
/// A real nginx (scripts/nginx/cachecluster.conf: proxy_cache, proxy_cache_revalidate, proxy_cache_use_stale updating,
/// proxy_cache_background_update, proxy_cache_lock, proxy_pass_header Date) in front of a real silo process. nginx
/// keeps wall-clock time, so these tests wait on the wall clock, each wait bounded and named.
/// </summary>
[Collection(EndToEndCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NginxProxyCacheTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan StopServingDeadline = TimeSpan.FromSeconds(15);
    private NginxServer? _nginx;
    private SiloProcess? _silo;
    private HttpClient _origin = null!;
    private HttpClient _edge = null!;

    public async Task InitializeAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var httpPort = LoopbackPorts.Next();
            var nginx = await NginxServer.StartAsync(httpPort);
            try
            {
                _silo = await SiloProcess.StartOnHttpPortAsync(null, httpPort);
                _nginx = nginx;
                _origin = new HttpClient { BaseAddress = _silo.HttpAddress };
                _edge = new HttpClient { BaseAddress = new Uri(nginx.Url + "/") };
                return;
            }
            catch (Exception ex)
            {
                await nginx.DisposeAsync();
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

        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _origin?.Dispose();
        _edge?.Dispose();
    }

    private async Task PutAsync(string key, string value, params (string Name, string Value)[] headers)
    {
        var put = await _origin.PutKeyAsync(key, value, headers);
        Assert.True(put.IsSuccessStatusCode, $"PUT {key}: {(int)put.StatusCode}");
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync() : $"({(int)response.StatusCode})";

    private static string CacheStatus(HttpResponseMessage response) => HttpAssert.Header(response, "X-Cache-Status");

    [Fact]
    public async Task DeletedKey_WithALongStaleWindow_StopsBeingServedThroughNginx_WithinTheFreshnessOfIts404()
    {
        // Fresh 1 s, then usable stale for 10 minutes: nginx serves it stale while it updates in the background. Before
        // 404s carried a freshness, nginx discarded the 404 and served the old 200 for the whole stale window.
        var key = CacheTestCluster.NewKey("nginx");
        await PutAsync(key, "v1", ("Cache-Control", "max-age=1, stale-while-revalidate=600"));
        var first = await _edge.GetKeyAsync(key);
        Assert.Equal("v1", await DescribeAsync(first));
        Assert.Equal("MISS", CacheStatus(first));

        Assert.Equal(HttpStatusCode.NoContent, (await _origin.DeleteAsync(HttpCalls.PathOf(key))).StatusCode);

        // The entry's 1 s of freshness, one background update, then the 404 is nginx's answer.
        var started = TimeProvider.System.GetTimestamp();
        var seen = new List<string>();
        HttpResponseMessage response;
        while (true)
        {
            response = await _edge.GetKeyAsync(key);
            var described = $"{await DescribeAsync(response)} {CacheStatus(response)}";
            if (seen.Count == 0 || seen[^1] != described)
            {
                seen.Add(described);
            }

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                break;
            }

            Assert.True(
                TimeProvider.System.GetElapsedTime(started) < StopServingDeadline,
                $"nginx still served the deleted key {StopServingDeadline.TotalSeconds} s after the DELETE; it answered, in order: {string.Join(", ", seen)}.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "key-not-found");
        Assert.Equal("max-age=1", HttpAssert.Header(response, "Cache-Control"));
        Assert.Equal("Authorization", HttpAssert.Header(response, "Vary"));

        // And it stays gone: the next read is the stored 404 or a fresh one, never the old value.
        Assert.Equal(HttpStatusCode.NotFound, (await _edge.GetKeyAsync(key)).StatusCode);
    }

    [Fact]
    public async Task EntryWithoutExpiry_IsNeverServedFromNginxsStore_SoARewriteIsReadAtOnce()
    {
        var key = CacheTestCluster.NewKey("nginx");
        await PutAsync(key, "v1");
        var first = await _edge.GetKeyAsync(key);
        Assert.Equal("v1", await DescribeAsync(first));
        Assert.Equal("no-cache", HttpAssert.Header(first, "Cache-Control"));

        await PutAsync(key, "v2");
        var second = await _edge.GetKeyAsync(key);

        Assert.Equal("v2", await DescribeAsync(second));
        Assert.NotEqual("HIT", CacheStatus(second));
        Assert.Equal("v2", await DescribeAsync(await _edge.GetKeyAsync(key)));
    }

    [Fact]
    public async Task CachedEntry_ServedFromNginx_KeepsTheSilosDate_SoABrowserCountsItsAgeFromIt()
    {
        var key = CacheTestCluster.NewKey("nginx");
        await PutAsync(key, "v", ("Cache-Control", "max-age=300"));
        var first = await _edge.GetKeyAsync(key);
        Assert.Equal("MISS", CacheStatus(first));
        var date = DateTimeOffset.Parse(HttpAssert.Header(first, "Date"), CultureInfo.InvariantCulture);

        // Let the wall clock (nginx's and the browser's) move past the silo's Date by two whole seconds.
        var waitUntil = date + TimeSpan.FromSeconds(2);
        var waitStarted = TimeProvider.System.GetTimestamp();
        while (TimeProvider.System.GetUtcNow() < waitUntil + TimeSpan.FromMilliseconds(100))
        {
            Assert.True(TimeProvider.System.GetElapsedTime(waitStarted) < TimeSpan.FromSeconds(10), $"The wall clock did not reach {waitUntil:O}.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        var hit = await _edge.GetKeyAsync(key);

        Assert.Equal("HIT", CacheStatus(hit));
        Assert.Equal("v", await DescribeAsync(hit));

        // nginx replays the stored headers (proxy_pass_header Date): the silo's Date, Age 0 and the stored max-age.
        // A browser's apparent age (now - Date, RFC 9111 §4.2.3) is then the time the response spent in nginx.
        Assert.Equal(HttpAssert.Header(first, "Date"), HttpAssert.Header(hit, "Date"));
        Assert.Equal("0", HttpAssert.Header(hit, "Age"));
        Assert.Equal(HttpAssert.Header(first, "Cache-Control"), HttpAssert.Header(hit, "Cache-Control"));
        Assert.True(TimeProvider.System.GetUtcNow() - date >= TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task MissingKey_ThroughNginx_Is404WithItsShortFreshness()
    {
        var key = CacheTestCluster.NewKey("nginx");

        var response = await _edge.GetKeyAsync(key);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "key-not-found");
        Assert.Equal("max-age=1", HttpAssert.Header(response, "Cache-Control"));
        Assert.Equal("Authorization", HttpAssert.Header(response, "Vary"));

        // Written after the 404: readable through nginx once the 404's second has passed.
        await PutAsync(key, "now", ("Cache-Control", "max-age=60"));
        var started = TimeProvider.System.GetTimestamp();
        string body;
        while ((body = await DescribeAsync(await _edge.GetKeyAsync(key))) != "now")
        {
            Assert.True(TimeProvider.System.GetElapsedTime(started) < StopServingDeadline, $"nginx still answered {body} {StopServingDeadline.TotalSeconds} s after the key was written.");
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }
    }
}
