using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Tests.Caching;

/// <summary>
/// One application instance with ASP.NET Core session (the real middleware) on CacheCluster's IDistributedCache, on a
/// TestServer. Instances made with the same key directory share data-protection keys and application name, so each
/// can read the others' session cookies, as a load-balanced deployment must be set up.
/// </summary>
public sealed class SessionTestApp : IAsyncDisposable
{
    public const string CookieName = ".AspNetCore.Session";

    private readonly WebApplication _app;

    private SessionTestApp(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public static async Task<SessionTestApp> StartAsync(DistributedCacheClusterFixture fixture, DirectoryInfo keys)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        fixture.AddDistributedCache(builder.Services);
        builder.Services.AddDataProtection().SetApplicationName("cachecluster-session-tests").PersistKeysToFileSystem(keys);
        builder.Services.AddSession(options => options.IdleTimeout = TimeSpan.FromMinutes(20));

        var app = builder.Build();
        app.UseSession();

        // Loads the session asynchronously, as applications should, then appends to the cart.
        app.MapPost("/cart/{item}", async (string item, HttpContext context) =>
        {
            await context.Session.LoadAsync();
            var cart = context.Session.GetString("cart");
            context.Session.SetString("cart", cart is null ? item : $"{cart},{item}");
            return Results.Ok();
        });

        // Reads without LoadAsync: the session falls back to the synchronous IDistributedCache.Get.
        app.MapGet("/cart", (HttpContext context) => context.Session.GetString("cart") ?? "(empty)");

        await app.StartAsync();
        return new SessionTestApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
