using System.Collections.Concurrent;
using CacheCluster.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace CacheCluster.Tests.Caching;

/// <summary>
/// Two silos on real TCP gateways for the IDistributedCache, HybridCache-L2 and session tests, with application hosts
/// that reach them as real applications do: <c>AddCacheClusterDistributedCache</c> with the silos' gateways, and the
/// cluster's fake cache clock under <see cref="CacheClusterClock.ServiceKey"/>. Each silo keeps its
/// keys' entries in the embedded store.
/// </summary>
public sealed class DistributedCacheClusterFixture : IAsyncLifetime
{
    private const string StateKey = "CacheClusterTests:DistributedState";
    private static readonly ConcurrentDictionary<string, FakeTimeProvider> Clocks = new();
    private readonly string _stateId = Guid.NewGuid().ToString("N");

    public TestCluster Cluster { get; private set; } = null!;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Gets a cache over the test cluster's own client, to look at what the adapter stored.</summary>
    public IClusterCache Cache { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Clocks[_stateId] = Clock;
        var builder = new TestClusterBuilder(2);
        builder.Properties[StateKey] = _stateId;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Cache = CacheTestCluster.NewCache(Cluster.Client);
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Clocks.TryRemove(_stateId, out _);
    }

    /// <summary>Adds the distributed cache, connected to this cluster, and the fake cache clock.</summary>
    public void AddDistributedCache(IServiceCollection services)
    {
        services.AddKeyedSingleton<TimeProvider>(CacheClusterClock.ServiceKey, Clock);
        services.AddCacheClusterDistributedCache(options =>
        {
            options.WaitForCluster = true;
            foreach (var silo in Cluster.GetActiveSilos())
            {
                options.Gateways.Add($"{silo.GatewayAddress.Endpoint.Address}:{silo.GatewayAddress.Endpoint.Port}");
            }

            options.ClusterId = Cluster.Options.ClusterId;
            options.ServiceId = Cluster.Options.ServiceId;
        });
    }

    /// <summary>Starts an application host of its own with the distributed cache and whatever <paramref name="configure"/> adds.</summary>
    public async Task<DistributedTestHost> StartHostAsync(Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        AddDistributedCache(builder.Services);
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return new DistributedTestHost(host);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.Services.AddKeyedSingleton<TimeProvider>(CacheClusterClock.ServiceKey, Clocks[siloBuilder.Configuration[StateKey]!]);
            siloBuilder.AddCacheCluster(options =>
            {
                options.Clustering = ClusteringMode.External;
                options.MaxValueBytes = CacheTestCluster.MaxValueBytes;
            });
        }
    }
}
