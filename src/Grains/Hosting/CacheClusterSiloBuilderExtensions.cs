using System.Net;
using CacheCluster;
using CacheCluster.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Orleans.Hosting;

/// <summary>Wires CacheCluster into an Orleans silo.</summary>
public static class CacheClusterSiloBuilderExtensions
{
    /// <summary>The address cache Orleans' locator keeps in a lone embedded silo, where nothing uses it.</summary>
    internal const int LoneSiloLocatorCacheSize = 1_000;

    /// <summary>
    /// Adds CacheCluster to the silo with options bound from the <c>CacheCluster</c> section of
    /// <paramref name="configuration"/>: the host (grains, entry store, clustering and endpoints) and its features
    /// (membership, TLS, eviction, expiry, invalidation, rate limiting, operations), each bound from its own keys and checked by its
    /// own validator. Every bad key is reported at once.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes to the host options applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; each failure names its configuration key.</exception>
    public static ISiloBuilder AddCacheCluster(this ISiloBuilder builder, IConfiguration configuration, Action<CacheClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var failures = new List<string>();
        CacheClusterOptions? options = null;
        ValidatedOptions.Collect(failures, () => options = ValidatedOptions.Add(
            builder.Services, configuration.GetSection(CacheClusterOptions.SectionName), configure, new CacheClusterOptionsValidator(), out _));
        ValidatedOptions.Collect(failures, () => builder.AddCacheClusterMembership(configuration));
        ValidatedOptions.Collect(failures, () => builder.AddCacheClusterTls(configuration));
        ValidatedOptions.Collect(failures, () => builder.AddCacheClusterExpiry(configuration));
        ValidatedOptions.Collect(failures, () => builder.AddCacheClusterEviction(configuration));
        ValidatedOptions.Collect(failures, () => builder.AddCacheClusterInvalidation(configuration));
        ValidatedOptions.Collect(failures, () => builder.AddCacheClusterRateLimiting(configuration));
        ValidatedOptions.Collect(failures, () => builder.AddCacheClusterOperations(configuration));
        if (options is not null && failures.Count == 0)
        {
            InsecureTransportWarning.Check(builder.Services, options, failures);
        }

        if (options is null || failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(CacheClusterOptions), failures);
        }

        return builder.AddCacheClusterHost(options);
    }

    /// <summary>
    /// Adds CacheCluster to the silo with its defaults, then <paramref name="configure"/>: the embedded mode unless
    /// <see cref="CacheClusterOptions.Redis"/> is set. Each feature's <c>AddCacheCluster{Feature}</c> method configures it further.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the host options, or <see langword="null"/> for the embedded defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; each failure names its configuration key.</exception>
    public static ISiloBuilder AddCacheCluster(this ISiloBuilder builder, Action<CacheClusterOptions>? configure = null) =>
        builder.AddCacheCluster(new ConfigurationBuilder().Build(), configure);

    /// <summary>
    /// The host: the cache clock and meter, the entry store (Redis when <see cref="CacheClusterOptions.Redis"/> is set,
    /// memory otherwise), and, unless <see cref="CacheClusterOptions.Clustering"/> is
    /// <see cref="ClusteringMode.External"/>, clustering and endpoints.
    /// </summary>
    private static ISiloBuilder AddCacheClusterHost(this ISiloBuilder builder, CacheClusterOptions options)
    {
        var redis = options.Redis is null ? null : new RedisConnection(options.Redis);
        builder.Services.TryAddKeyedSingleton(CacheClusterClock.ServiceKey, TimeProvider.System);
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<CacheClusterMetrics>();
        builder.Services.TryAddSingleton<CacheCluster.Entries.EntryReadView>();
        builder.Services.TryAddSingleton<CacheCluster.Entries.EntryGrainServices>();
        builder.Services.AddCacheClusterStores(redis);

        // Orleans carries the caller's trace context with each grain call (its spans: Microsoft.Orleans.Application),
        // so one trace runs from the application through the gateway to the storage write. Without a listener a call
        // pays one check; an application's own AddActivityPropagation (or a second AddCacheCluster) is not doubled.
        if (!builder.Services.Any(d => d.ServiceType == typeof(System.Diagnostics.DistributedContextPropagator)))
        {
            builder.AddActivityPropagation();
        }

        // A lone embedded silo finds every grain in its own directory, so it needs no directory cache (a bounded silo
        // with others keeps the cache within its bounds: see AddCacheClusterEviction). Orleans' locator for grains in
        // other directories (none here) still makes a cache of CacheSize and allocates its table up front: 9 MB at
        // the default million, so it is kept small.
        if (options.Clustering == ClusteringMode.Auto && redis is null)
        {
            builder.Configure<GrainDirectoryOptions>(directory =>
            {
                directory.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.None;
                if (directory.CacheSize == GrainDirectoryOptions.DEFAULT_CACHE_SIZE)
                {
                    directory.CacheSize = LoneSiloLocatorCacheSize;
                }
            });
        }
        else
        {
            // Otherwise an entry's address leaves the cache with its activation (see EntryAddressCache).
            CacheClusterEvictionExtensions.UseEntryAddressCache(builder.Services);
        }

        if (options.Clustering != ClusteringMode.Auto)
        {
            return builder;
        }

        builder.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });

        if (redis is null)
        {
            return builder.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
        }

        var address = options.AdvertisedIP is { Length: > 0 } ip ? IPAddress.Parse(ip) : IPAddress.Loopback;
        builder.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort);

        // Only here, where silos talk over TCP as configured above: with another transport (the in-memory one of test
        // clusters) nothing listens on a live silo's port either, and the sweep would declare it dead.
        builder.Services.AddSingleton(services => new DeadSiloSweep(
            services.GetRequiredService<IMembershipTable>(),
            services.GetRequiredService<IClusterMembershipService>(),
            services.GetRequiredService<ILocalSiloDetails>(),
            services.GetRequiredService<IOptions<ClusterMembershipOptions>>(),
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetRequiredService<ILogger<DeadSiloSweep>>()));
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<DeadSiloSweep>());
        return builder.UseRedisClustering(clustering =>
        {
            clustering.ConfigurationOptions = redis.Configuration;
            clustering.CreateMultiplexer = async _ => (await redis.GetMultiplexerAsync().ConfigureAwait(false), IsShared: true);
        });
    }
}
