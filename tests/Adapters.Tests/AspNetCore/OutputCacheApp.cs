using System.Collections.Concurrent;
using System.Globalization;
using CacheCluster.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Tests.AspNetCore;

/// <summary>
/// One application instance: ASP.NET Core's real output caching middleware (<c>AddOutputCache</c>, <c>UseOutputCache</c>,
/// <c>CacheOutput</c>) on a TestServer, with CacheCluster as the store over its own <see cref="IClusterCache"/> on the
/// shared in-process cluster. Its handlers count their runs per id, so a test sees which instance did the work.
/// </summary>
internal sealed class OutputCacheApp : IAsyncDisposable
{
    /// <summary>The expiry of <c>/short/{id}</c>; <c>/items/{id}</c> keeps the middleware's default of ten minutes here.</summary>
    public static readonly TimeSpan ShortExpiry = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls;

    private OutputCacheApp(WebApplication app, ConcurrentDictionary<string, int> calls, RecordingLoggerProvider logs)
    {
        _app = app;
        _calls = calls;
        Logs = logs;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public RecordingLoggerProvider Logs { get; }

    public IOutputCacheStore Store => _app.Services.GetRequiredService<IOutputCacheStore>();

    /// <summary>Starts an instance whose responses read <c>{name}:{id}:{run}</c> and are tagged <c>entity:{id}</c>.</summary>
    public static async Task<OutputCacheApp> StartAsync(string name, CacheTestCluster cluster)
    {
        var calls = new ConcurrentDictionary<string, int>();
        var logs = new RecordingLoggerProvider();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddProvider(logs);

        // The application's own client over the shared cluster, then the store over it, as AddCacheClusterOutputCache
        // registers it; AddOutputCache afterwards, as an application would, must not bring the memory store back.
        builder.Services.AddSingleton(CacheTestCluster.NewCache(cluster.Client));
        builder.Services.AddCacheClusterOutputCacheStore();
        builder.Services.AddOutputCache(options => options.DefaultExpirationTimeSpan = TimeSpan.FromMinutes(10));

        var app = builder.Build();
        app.UseOutputCache();
        app.MapGet("/items/{id}", (string id, int? tags, HttpContext http) => Handle(name, calls, id, tags ?? 0, http)).CacheOutput();
        app.MapGet("/large/{id}", (string id, HttpContext http) => Handle(name, calls, id, 0, http) + new string('x', CacheTestCluster.MaxValueBytes)).CacheOutput();
        app.MapGet("/short/{id}", (string id, HttpContext http) => Handle(name, calls, id, 0, http)).CacheOutput(policy => policy.Expire(ShortExpiry));
        await app.StartAsync();
        return new OutputCacheApp(app, calls, logs);
    }

    /// <summary>How many times this instance's handlers ran for <paramref name="id"/>.</summary>
    public int Calls(string id) => _calls.GetValueOrDefault(id);

    public async Task<string> GetAsync(string path)
    {
        using var response = await Client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Handle(string name, ConcurrentDictionary<string, int> calls, string id, int extraTags, HttpContext http)
    {
        var run = calls.AddOrUpdate(id, 1, static (_, count) => count + 1);
        var tags = http.Features.GetRequiredFeature<IOutputCacheFeature>().Context.Tags;
        tags.Add("entity:" + id);
        for (var i = 0; i < extraTags; i++)
        {
            tags.Add(string.Create(CultureInfo.InvariantCulture, $"extra:{id}:{i}"));
        }

        return $"{name}:{id}:{run}";
    }
}
