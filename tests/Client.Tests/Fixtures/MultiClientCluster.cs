using System.Collections.Concurrent;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// Several silos on real TCP gateways, so that independent client hosts (as separate application servers would be)
/// can connect to them. The silos share a fake cache clock and one in-memory entry store.
/// </summary>
public sealed class MultiClientCluster : IAsyncDisposable
{
    private const string StateKey = "CacheClusterTests:State";
    private const string DropTimeoutKey = "CacheClusterTests:ClientDropTimeout";
    private static readonly ConcurrentDictionary<string, (FakeTimeProvider Clock, MemoryEntryStore Store, CacheCluster.Invalidation.MemoryTagIndex Tags, CacheCluster.Invalidation.MemoryKeyIndex Keys)> States = new();

    private readonly string _stateId;
    private readonly List<IHost> _clients = [];

    private MultiClientCluster(TestCluster cluster, string stateId, FakeTimeProvider clock)
    {
        Cluster = cluster;
        _stateId = stateId;
        Clock = clock;
    }

    public TestCluster Cluster { get; }

    public FakeTimeProvider Clock { get; }

    /// <param name="silos">How many silos.</param>
    /// <param name="clientDropTimeout">How long a gateway keeps a disconnected client (Orleans' default: 1 min).</param>
    public static async Task<MultiClientCluster> StartAsync(short silos = 3, TimeSpan? clientDropTimeout = null)
    {
        var stateId = Guid.NewGuid().ToString("N");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var tags = new CacheCluster.Invalidation.MemoryTagIndex();
        var keys = new CacheCluster.Invalidation.MemoryKeyIndex();
        States[stateId] = (clock, new MemoryEntryStore(tags, keys), tags, keys);

        var builder = new TestClusterBuilder(silos);
        builder.Properties[StateKey] = stateId;
        if (clientDropTimeout is { } dropTimeout)
        {
            builder.Properties[DropTimeoutKey] = dropTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        }
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new MultiClientCluster(cluster, stateId, clock);
    }

    /// <summary>Starts a new client host of its own, connected to every silo's gateway, and returns its cache.</summary>
    public async Task<(IClusterCache Cache, IClusterRateLimiter Limiter, IHost Host)> NewClientAsync(Action<CacheClusterClientOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterClient(options =>
        {
            options.WaitForCluster = true;
            foreach (var silo in Cluster.GetActiveSilos())
            {
                options.Gateways.Add($"{silo.GatewayAddress.Endpoint.Address}:{silo.GatewayAddress.Endpoint.Port}");
            }

            options.ClusterId = Cluster.Options.ClusterId;
            options.ServiceId = Cluster.Options.ServiceId;
            configure?.Invoke(options);
        });
        var host = builder.Build();
        await host.StartAsync();
        _clients.Add(host);
        return (host.Services.GetRequiredService<IClusterCache>(), host.Services.GetRequiredService<IClusterRateLimiter>(), host);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                await client.StopAsync(TimeSpan.FromSeconds(5));
            }
            catch (OperationCanceledException)
            {
            }

            client.Dispose();
        }

        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        States.TryRemove(_stateId, out _);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var (clock, store, tags, keys) = States[siloBuilder.Configuration[StateKey]!];
            if (siloBuilder.Configuration[DropTimeoutKey] is { } dropTimeout)
            {
                siloBuilder.Configure<Orleans.Configuration.SiloMessagingOptions>(o => o.ClientDropTimeout = TimeSpan.Parse(dropTimeout, System.Globalization.CultureInfo.InvariantCulture));
            }

            siloBuilder.Services.AddSingleton<CacheCluster.Invalidation.IKeyIndex>(keys);
            siloBuilder.Services.AddKeyedSingleton<TimeProvider>(CacheClusterClock.ServiceKey, clock);
            siloBuilder.Services.AddSingleton(store);
            siloBuilder.Services.AddSingleton<CacheCluster.Invalidation.ITagIndex>(tags);
            siloBuilder.AddCacheCluster(options =>
            {
                options.Clustering = ClusteringMode.External;
                options.MaxValueBytes = CacheTestCluster.MaxValueBytes;
            });
            siloBuilder.AddCacheClusterRateLimiting(TestPolicies.AddTo);
        }
    }
}
