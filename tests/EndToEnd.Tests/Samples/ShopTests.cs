using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using CacheCluster.Tests.EndToEnd;

namespace CacheCluster.Tests.Samples;

/// <summary>
/// The sample shop (samples/Shop) as two instances, clients of one embedded silo process: an update published as
/// <c>product.updated</c> on one instance reaches the HybridCache entries, near copies and output-cached list of both;
/// the session cart and the checkout limit are shared.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ShopTests(ShopFixture fixture) : IClassFixture<ShopFixture>, IDisposable
{
    /// <summary>How long the event may take to reach both instances: a bound for a busy machine, not a measure.</summary>
    private static readonly TimeSpan ConvergenceTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly HttpClient _a = NewClient(fixture.A);
    private readonly HttpClient _b = NewClient(fixture.B);

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task ProductUpdated_OnOneInstance_NeitherInstanceServesTheOldProductOrList()
    {
        // Product 3 is this test's alone. One database read for the cluster, then B and A's second read are cache hits.
        const string OldProduct = """{"id":3,"name":"Milk jug, 600 ml","price":17.50}""";
        const string NewProduct = """{"id":3,"name":"Milk jug, 600 ml (steel)","price":19.00}""";
        var (readsA, readsB) = (await StatsAsync(_a), await StatsAsync(_b));
        Assert.Equal(OldProduct, await _a.GetStringAsync("/products/3"));
        Assert.Equal(OldProduct, await _b.GetStringAsync("/products/3"));
        Assert.Equal(OldProduct, await _a.GetStringAsync("/products/3"));
        Assert.Equal(OldProduct, await _b.GetStringAsync("/products/3"));
        Assert.Equal(readsA.ProductReads + 1, (await StatsAsync(_a)).ProductReads);
        Assert.Equal(readsB.ProductReads, (await StatsAsync(_b)).ProductReads);

        // The list, output-cached: each instance's second read is served from the cache (it carries Age).
        foreach (var client in new[] { _a, _b, _a, _b })
        {
            var list = await client.GetStringAsync("/products");
            Assert.Equal(OldProduct, ProductInList(list, 3));
        }

        foreach (var client in new[] { _a, _b })
        {
            using var cached = await client.GetAsync(new Uri("/products", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
            Assert.True(cached.Headers.Age is not null, $"{client.BaseAddress} did not serve the list from the output cache.");
            Assert.Equal(OldProduct, ProductInList(await cached.Content.ReadAsStringAsync(), 3));
        }

        // The update, on A: the database first, then product.updated, whose rule on the silo removes product:3 and the tag "products".
        using var put = await _a.PutAsJsonAsync(new Uri("/products/3", UriKind.Relative), new { name = "Milk jug, 600 ml (steel)", price = 19.00m });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var updated = JsonNode.Parse(await put.Content.ReadAsStringAsync())!;
        Assert.Equal(NewProduct, updated["product"]!.ToJsonString());
        Assert.Matches("^[0-9]+:[0-9]+$", updated["event"]!.GetValue<string>());

        // The event is applied on the silo and the near copies dropped an instant after the PUT returns: wait for both
        // instances to serve the new product and list, then neither serves the old one again.
        await WaitUntilServedAsync(NewProduct);
        for (var i = 0; i < 5; i++)
        {
            foreach (var client in new[] { _a, _b })
            {
                Assert.Equal(NewProduct, await client.GetStringAsync("/products/3"));
                Assert.Equal(NewProduct, ProductInList(await client.GetStringAsync("/products"), 3));
            }
        }
    }

    [Fact]
    public async Task Cart_WrittenThroughOneInstance_IsReadThroughTheOther_WithTheSameSessionCookie()
    {
        using var added = await SendAsync(_a, HttpMethod.Post, "/cart/items", null, new { productId = 2, quantity = 2 });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var cookie = SessionCookie(added);

        using var read = await SendAsync(_b, HttpMethod.Get, "/cart", cookie);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(
            """{"items":[{"productId":2,"name":"Burr grinder","unitPrice":129.00,"quantity":2}],"total":258.00}""",
            await read.Content.ReadAsStringAsync());

        // And back: B adds to the same cart, A sees both lines; a request without the cookie has an empty cart.
        using var more = await SendAsync(_b, HttpMethod.Post, "/cart/items", cookie, new { productId = 4, quantity = 1 });
        Assert.Equal(HttpStatusCode.OK, more.StatusCode);
        using var both = await SendAsync(_a, HttpMethod.Get, "/cart", cookie);
        Assert.Equal(
            """{"items":[{"productId":2,"name":"Burr grinder","unitPrice":129.00,"quantity":2},{"productId":4,"name":"Tamper, 58 mm","unitPrice":32.00,"quantity":1}],"total":290.00}""",
            await both.Content.ReadAsStringAsync());
        using var other = await SendAsync(_a, HttpMethod.Get, "/cart", null);
        Assert.Equal("""{"items":[],"total":0}""", await other.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Checkout_IsLimitedAcrossBothInstances_ThenAnswers429WithRetryAfter()
    {
        // Only this test checks out, all from 127.0.0.1: the silo's bucket for this IP starts full (capacity 4).
        using var added = await SendAsync(_a, HttpMethod.Post, "/cart/items", null, new { productId = 5, quantity = 3 });
        var cookie = SessionCookie(added);

        using var order = await SendAsync(_b, HttpMethod.Post, "/checkout", cookie);
        Assert.Equal(HttpStatusCode.OK, order.StatusCode);
        var placed = JsonNode.Parse(await order.Content.ReadAsStringAsync())!;
        Assert.Equal(35.70m, placed["total"]!.GetValue<decimal>());

        // The cart is now empty (400), and each answer still took a permit: A, B, A use up the other three.
        foreach (var client in new[] { _a, _b, _a })
        {
            using var empty = await SendAsync(client, HttpMethod.Post, "/checkout", cookie);
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        }

        foreach (var client in new[] { _b, _a })
        {
            using var limited = await SendAsync(client, HttpMethod.Post, "/checkout", cookie);
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 3600);
        }

        // Other endpoints are not limited.
        using var cart = await SendAsync(_b, HttpMethod.Get, "/cart", cookie);
        Assert.Equal(HttpStatusCode.OK, cart.StatusCode);
    }

    private static HttpClient NewClient(ShopProcess shop) =>
        new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = shop.Address, Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? cookie, object? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await client.SendAsync(request);
    }

    /// <summary>The session cookie (<c>name=value</c>) the response set.</summary>
    private static string SessionCookie(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Session=", StringComparison.Ordinal));
        return setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
    }

    private static string ProductInList(string list, int id) =>
        Assert.Single(JsonNode.Parse(list)!.AsArray(), p => p!["id"]!.GetValue<int>() == id)!.ToJsonString();

    private static async Task<(long ProductReads, long ListReads)> StatsAsync(HttpClient client)
    {
        using var stats = JsonDocument.Parse(await client.GetStringAsync("/stats"));
        return (stats.RootElement.GetProperty("productReads").GetInt64(), stats.RootElement.GetProperty("listReads").GetInt64());
    }

    /// <summary>Polls both instances until each serves <paramref name="product"/> alone and in the list; fails after <see cref="ConvergenceTimeout"/>.</summary>
    private async Task WaitUntilServedAsync(string product)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var served = new List<string>();
            foreach (var client in new[] { _a, _b })
            {
                served.Add(await client.GetStringAsync("/products/3"));
                served.Add(ProductInList(await client.GetStringAsync("/products"), 3));
            }

            if (served.TrueForAll(s => s == product))
            {
                return;
            }

            if (TimeProvider.System.GetElapsedTime(started) > ConvergenceTimeout)
            {
                Assert.Fail($"{ConvergenceTimeout.TotalSeconds} s after the update, the instances still served (A product, A list, B product, B list): {string.Join(" | ", served)}");
            }

            await Task.Delay(PollInterval, TimeProvider.System);
        }
    }
}
