using System.Net;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Caching;

/// <summary>ASP.NET Core session on CacheCluster across two application instances, with the real middleware.</summary>
[Collection(DistributedCacheCollection.Name)]
public sealed class SessionAcrossInstancesTests(DistributedCacheClusterFixture fixture) : IAsyncLifetime
{
    private readonly DirectoryInfo _keys = Directory.CreateTempSubdirectory("cachecluster-session-keys-");
    private SessionTestApp _a = null!;
    private SessionTestApp _b = null!;

    public async Task InitializeAsync()
    {
        _a = await SessionTestApp.StartAsync(fixture, _keys);
        _b = await SessionTestApp.StartAsync(fixture, _keys);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        _keys.Delete(recursive: true);
    }

    [Fact]
    public async Task Session_WrittenThroughInstanceA_IsReadAndExtendedThroughInstanceB()
    {
        var cookie = await AddToCartAsync(_a, null, "apple");

        Assert.Equal("apple", await ReadCartAsync(_b, cookie));
        Assert.Null(await AddToCartAsync(_b, cookie, "pear"));
        Assert.Equal("apple,pear", await ReadCartAsync(_a, cookie));
    }

    [Fact]
    public async Task Session_KeptAliveByReadsOnEitherInstance_ExpiresAfterTheIdleTimeout()
    {
        var cookie = await AddToCartAsync(_a, null, "fig");

        fixture.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal("fig", await ReadCartAsync(_b, cookie));
        fixture.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal("fig", await ReadCartAsync(_a, cookie));

        fixture.Clock.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal("(empty)", await ReadCartAsync(_b, cookie));
    }

    [Fact]
    public async Task Session_WithoutTheCookie_IsNotSharedBetweenClients()
    {
        await AddToCartAsync(_a, null, "kiwi");

        Assert.Equal("(empty)", await ReadCartAsync(_b, null));
    }

    /// <summary>Posts to the cart; returns the session cookie the instance set, if it set one.</summary>
    private static async Task<string?> AddToCartAsync(SessionTestApp app, string? cookie, string item)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/cart/{item}");
        AddCookie(request, cookie);
        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.Select(v => v.Split(';')[0]).Single(v => v.StartsWith(SessionTestApp.CookieName + "=", StringComparison.Ordinal))
            : null;
    }

    private static async Task<string> ReadCartAsync(SessionTestApp app, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cart");
        AddCookie(request, cookie);
        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static void AddCookie(HttpRequestMessage request, string? cookie)
    {
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
    }
}
