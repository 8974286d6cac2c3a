using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// An application that hosts a CacheCluster silo in its own process (UseOrleans + AddCacheCluster, embedded storage,
/// localhost clustering on free ports) and also calls AddCacheClusterClient, plus two named caches.
/// </summary>
public sealed class CoHostedSilo : IAsyncLifetime
{
    public const string Products = "products";
    public const string Orders = "orders";

    public static readonly CacheEntryOptions ProductDefaults = new() { TimeToLive = TimeSpan.FromMinutes(5), Tags = ["catalog"] };

    public string ServiceId { get; } = "cohost-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Gets the cache clock of the silo and of its client (one container).</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public int GatewayPort { get; private set; }

    /// <summary>Gets the application's services as registered (for what is, and is not, there).</summary>
    public IServiceCollection Services { get; private set; } = null!;

    public IHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var ports = LoopbackPorts.Distinct(2);
        GatewayPort = ports[1];
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddKeyedSingleton<TimeProvider>(CacheClusterClock.ServiceKey, Clock);
        builder.UseOrleans(silo =>
        {
            silo.AddCacheCluster(options =>
            {
                options.SiloPort = ports[0];
                options.GatewayPort = ports[1];
                options.ServiceId = ServiceId;
            });
            silo.AddCacheClusterRateLimiting(TestPolicies.AddTo);
        });
        builder.Services.AddCacheClusterClient(options => options.NearCache.Enabled = true);
        builder.Services.AddCacheClusterNamedCache(Products, options => options.DefaultEntryOptions = ProductDefaults);
        builder.Services.AddCacheClusterNamedCache(Orders);
        Services = builder.Services;
        Host = builder.Build();
        await Host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Host.StopAsync(TimeSpan.FromSeconds(10));
        Host.Dispose();
    }
}
