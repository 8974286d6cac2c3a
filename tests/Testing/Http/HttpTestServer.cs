using CacheCluster.Hosting;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Http;

/// <summary>
/// The HTTP API on a real Kestrel bound to a free loopback port, wired to one silo of an in-process cluster as the silo
/// program wires it: that silo's grain factory, options, membership and (Redis mode) Redis connection, and the cluster's
/// fake cache clock. Requests go over real TCP through HttpClient, so header parsing and framing are Kestrel's, not
/// TestServer's.
/// </summary>
public sealed class HttpTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }

    /// <summary>Gets the application's services (its <c>EndpointDataSource</c>, for instance).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Gets the address Kestrel listens on, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    public static async Task<HttpTestServer> StartAsync(CacheTestCluster cluster, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var silo = cluster.Cluster.Silos[0].ServiceProvider;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddSingleton(silo.GetRequiredService<IGrainFactory>());
        builder.Services.AddSingleton(silo.GetRequiredService<IOptions<CacheClusterOptions>>());
        builder.Services.AddSingleton(silo.GetRequiredService<IOptions<InvalidationOptions>>());
        builder.Services.AddSingleton(silo.GetRequiredService<IClusterMembershipService>());
        builder.Services.AddSingleton(silo.GetRequiredService<ILocalSiloDetails>());
        builder.Services.AddKeyedSingleton<TimeProvider>(CacheClusterClock.ServiceKey, cluster.Clock);
        if (silo.GetService<RedisConnection>() is { } redis)
        {
            // Redis mode: the readiness check PINGs the silo's own Redis connection, as in the silo program.
            builder.Services.AddSingleton(redis);
        }

        builder.Services.AddCacheClusterHttp(builder.Configuration);

        var app = builder.Build();
        app.UseCacheClusterHttp();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new HttpTestServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
