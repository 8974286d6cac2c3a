using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// An in-process cluster of several silos running CacheCluster, with a fake cache clock shared by all silos and either
/// one shared in-memory entry store (as the embedded mode would be on one machine) or a real Redis.
/// </summary>
public sealed class CacheTestCluster : IAsyncDisposable
{
    private CacheTestCluster(InProcessTestCluster cluster, FakeTimeProvider clock, MemoryEntryStore? memoryStore, string serviceId)
    {
        Cluster = cluster;
        Clock = clock;
        MemoryStore = memoryStore;
        ServiceId = serviceId;
        Cache = NewCache(cluster.Client);
    }

    public InProcessTestCluster Cluster { get; }

    public FakeTimeProvider Clock { get; }

    internal MemoryEntryStore? MemoryStore { get; }

    public string ServiceId { get; }

    public IClusterCache Cache { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>The value-size limit every test cluster uses, small enough to test cheaply.</summary>
    public const int MaxValueBytes = 256 * 1024;

    public static async Task<CacheTestCluster> StartAsync(
        short silos = 3,
        string? redis = null,
        string? serviceId = null,
        FakeTimeProvider? clock = null,
        Action<ISiloBuilder>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        clock ??= new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        serviceId ??= "test-" + Guid.NewGuid().ToString("N")[..12];
        var tagIndex = redis is null ? new CacheCluster.Invalidation.MemoryTagIndex() : null;
        var keyIndex = redis is null ? new CacheCluster.Invalidation.MemoryKeyIndex() : null;
        var memoryStore = redis is null ? new MemoryEntryStore(tagIndex!, keyIndex!) : null;
        var eventLog = redis is null ? new CacheCluster.Invalidation.Stream.MemoryInvalidationLog() : null;

        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ServiceId = serviceId;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<TimeProvider>(CacheClusterClock.ServiceKey, clock);
            services?.Invoke(silo.Services);
            if (memoryStore is not null)
            {
                silo.Services.AddSingleton(memoryStore);
                silo.Services.AddSingleton<CacheCluster.Invalidation.ITagIndex>(tagIndex!);
                silo.Services.AddSingleton<CacheCluster.Invalidation.IKeyIndex>(keyIndex!);
                silo.Services.AddSingleton<CacheCluster.Invalidation.Stream.IInvalidationLog>(eventLog!);
            }

            silo.AddCacheCluster(options =>
            {
                options.Clustering = ClusteringMode.External;
                options.Redis = redis;
                options.ServiceId = serviceId;
                options.MaxValueBytes = MaxValueBytes;
            });
            silo.AddCacheClusterRateLimiting(TestPolicies.AddTo);
            silo.AddCacheClusterInvalidation(TestRules.AddTo);
            configure?.Invoke(silo);
        });

        // As CacheCluster's client does: the trace context goes with each grain call (the silos take it up).
        builder.ConfigureClient(client => client.AddActivityPropagation());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new CacheTestCluster(cluster, clock, memoryStore, serviceId);
    }

    public ICacheEntryGrain Grain(string key) => Client.GetGrain<ICacheEntryGrain>(key);

    public IClusterRateLimiter NewRateLimiter() =>
        new CacheCluster.RateLimiting.ClusterRateLimiter(Client, Options.Create(new CacheClusterClientOptions()));

    public static IClusterCache NewCache(IClusterClient client, Action<CacheClusterClientOptions>? configure = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        var options = new CacheClusterClientOptions();
        configure?.Invoke(options);
        return new ClusterCache(client, Options.Create(options), meterFactory: meterFactory);
    }

    public static string NewKey(string prefix = "k") => $"{prefix}:{Guid.NewGuid():N}";

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}

/// <summary>The shared three-silo in-memory cluster for tests that leave it usable.</summary>
public sealed class MemoryClusterFixture : IAsyncLifetime
{
    public CacheTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await CacheTestCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>A real redis-server shared by the Redis-backed tests; each test uses its own service id.</summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public RedisServer Redis { get; private set; } = null!;

    public async Task InitializeAsync() => Redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await Redis.DisposeAsync();
}
