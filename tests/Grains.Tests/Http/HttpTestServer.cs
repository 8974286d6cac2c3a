using CacheCluster.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Http;

/// <summary>
/// The HTTP API on ASP.NET Core's TestServer, wired to one silo of an in-process cluster as the silo program wires it:
/// that silo's grain factory, options and membership, and the cluster's fake cache clock.
/// </summary>
public sealed class HttpTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpTestServer(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public static async Task<HttpTestServer> StartAsync(CacheTestCluster cluster, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var silo = cluster.Cluster.Silos[0].ServiceProvider;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Services.AddSingleton(silo.GetRequiredService<IGrainFactory>());
        builder.Services.AddSingleton(silo.GetRequiredService<IOptions<CacheClusterOptions>>());
        builder.Services.AddSingleton(silo.GetRequiredService<IClusterMembershipService>());
        builder.Services.AddSingleton(silo.GetRequiredService<ILocalSiloDetails>());
        builder.Services.AddKeyedSingleton<TimeProvider>(CacheClusterClock.ServiceKey, cluster.Clock);
        builder.Services.AddCacheClusterHttp(builder.Configuration);

        var app = builder.Build();
        app.UseCacheClusterHttp();
        await app.StartAsync();
        return new HttpTestServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A three-silo in-memory cluster with the HTTP API in front of it, open (no API keys).</summary>
public sealed class HttpClusterFixture : IAsyncLifetime
{
    public CacheTestCluster Cluster { get; private set; } = null!;

    public HttpTestServer Server { get; private set; } = null!;

    public HttpClient Client => Server.Client;

    public async Task InitializeAsync()
    {
        Cluster = await CacheTestCluster.StartAsync();
        Server = await HttpTestServer.StartAsync(Cluster, new Dictionary<string, string?> { ["CacheCluster:Http:LeaseWait"] = "00:00:30" });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class HttpCollection : ICollectionFixture<HttpClusterFixture>
{
    public const string Name = "http";
}
