using System.Net;
using CacheCluster;
using CacheCluster.Diagnostics;
using CacheCluster.Eviction;
using CacheCluster.Expiry;
using CacheCluster.Invalidation;
using CacheCluster.Invalidation.Stream;
using CacheCluster.RateLimiting.Internal;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Orleans.Hosting;

/// <summary>Wires CacheCluster into an Orleans silo.</summary>
public static class CacheClusterSiloBuilderExtensions
{
    /// <summary>
    /// Adds CacheCluster to the silo with options bound from the <c>CacheCluster</c> section of
    /// <paramref name="configuration"/>: grains, entry store (Redis or memory), clustering and endpoints.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheCluster(this ISiloBuilder builder, IConfiguration configuration, Action<CacheClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return builder.AddCacheCluster(options =>
        {
            configuration.GetSection(CacheClusterOptions.SectionName).Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Adds CacheCluster to the silo: grains, entry store (Redis when <see cref="CacheClusterOptions.Redis"/> is set,
    /// memory otherwise), and, unless <see cref="CacheClusterOptions.Clustering"/> is
    /// <see cref="ClusteringMode.External"/>, clustering and endpoints.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the options, or <see langword="null"/> for the embedded defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheCluster(this ISiloBuilder builder, Action<CacheClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new CacheClusterOptions();
        configure?.Invoke(options);

        // Ports and clustering are chosen now, so the options are checked now: a bad value stops the host before it starts.
        var validation = new CacheClusterOptionsValidator().Validate(Options.DefaultName, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(CacheClusterOptions), validation.Failures);
        }

        var redis = options.Redis is null ? null : new RedisConnection(options.Redis);
        builder.Services.AddCacheClusterServices(options, redis);
        if (options.Tls.Enabled)
        {
            builder.UseCacheClusterTls(options.Tls);
        }

        builder.Configure<GrainCollectionOptions>(collection =>
        {
            // Idle entries give their activation back and live on as compact records in the store.
            collection.ClassSpecificCollectionAge[typeof(CacheCluster.Entries.CacheEntryGrain).FullName!] = options.EntryIdleTimeout;
            collection.ClassSpecificCollectionAge[typeof(CacheCluster.RateLimiting.RateLimiterGrain).FullName!] = options.EntryIdleTimeout;
            var quantum = options.EntryIdleTimeout / 2;
            if (quantum < collection.CollectionQuantum)
            {
                collection.CollectionQuantum = quantum;
            }
        });

        // Orleans caches a grain's address (about 400 bytes with its key) for every grain called, up to a million,
        // long after the activation went: per entry, more than the entry's record. A lone embedded silo finds every
        // grain in its own directory, so it needs no cache; a bounded silo keeps the cache within its bounds.
        builder.Configure<GrainDirectoryOptions>(directory =>
        {
            if (options.Clustering == ClusteringMode.Auto && redis is null)
            {
                directory.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.None;
            }
            else if (DirectoryCacheSize(options) is { } size)
            {
                directory.CacheSize = Math.Min(directory.CacheSize, size);
            }
        });

        if (options.Clustering == ClusteringMode.Auto)
        {
            builder.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            builder.Configure<ClusterMembershipOptions>(membership => ConfigureMembership(membership, options.Membership));

            if (redis is null)
            {
                builder.UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId);
            }
            else
            {
                var address = options.AdvertisedIP is { Length: > 0 } ip ? IPAddress.Parse(ip) : IPAddress.Loopback;
                builder.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort);
                builder.UseRedisClustering(clustering =>
                {
                    clustering.ConfigurationOptions = redis.Configuration;
                    clustering.CreateMultiplexer = async _ => (await redis.GetMultiplexerAsync().ConfigureAwait(false), IsShared: true);
                });
            }
        }

        return builder;
    }

    private static void ConfigureMembership(ClusterMembershipOptions membership, CacheClusterMembershipOptions tuned)
    {
        membership.ProbeTimeout = tuned.ProbeTimeout;
        membership.MaxProbeTimeout = tuned.MaxProbeTimeout;
        membership.NumMissedProbesLimit = tuned.NumMissedProbesLimit;
        membership.NumVotesForDeathDeclaration = tuned.NumVotesForDeathDeclaration;
        membership.DeathVoteExpirationTimeout = tuned.DeathVoteExpirationTimeout;
        membership.IAmAliveTablePublishTimeout = tuned.IAmAliveTablePublishTimeout;
        membership.TableRefreshTimeout = tuned.TableRefreshTimeout;
    }

    /// <summary>
    /// TLS on every Orleans connection: silo to silo always mutual; gateways require a client certificate unless
    /// <see cref="CacheClusterTlsOptions.RequireClientCertificate"/> is off. Peers are accepted by
    /// <see cref="TlsCredentials.Accepts"/>.
    /// </summary>
    private static void UseCacheClusterTls(this ISiloBuilder builder, CacheClusterTlsOptions tls)
    {
        var failures = new List<string>();
        var credentials = TlsCredentials.Load(tls, $"{CacheClusterOptions.SectionName}:{nameof(CacheClusterOptions.Tls)}:", requireCertificate: true, failures)
            ?? throw new OptionsValidationException(Options.DefaultName, typeof(CacheClusterOptions), failures);
        TlsOptions Configure(RemoteCertificateMode remoteMode) => new()
        {
            LocalCertificate = credentials.Certificate,
            RemoteCertificateMode = remoteMode,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (certificate, _, _) => credentials.Accepts(certificate),
        };

        var silos = Configure(RemoteCertificateMode.RequireCertificate);
        var gateway = Configure(tls.RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.NoCertificate);
        builder.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(silos));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(silos));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(gateway));
        });
    }

    /// <summary>
    /// The directory cache a bounded silo keeps: no more addresses than <see cref="CacheClusterOptions.MaxEntries"/>
    /// (at least 1,000), nor than fill a twentieth of <see cref="CacheClusterOptions.MaxMemoryMB"/> at 400 bytes each.
    /// </summary>
    internal static int? DirectoryCacheSize(CacheClusterOptions options)
    {
        int? size = options.MaxEntries is { } entries ? Math.Max(1_000, entries) : null;
        if (options.MaxMemoryMB is { } megabytes)
        {
            var byMemory = (int)Math.Min(int.MaxValue, Math.Max(1_000, megabytes * 1024L * 1024 / 20 / 400));
            size = size is { } s ? Math.Min(s, byMemory) : byMemory;
        }

        return size;
    }

    private static void AddCdnPurging(IServiceCollection services, CdnOptions cdn)
    {
        if (!cdn.Enabled)
        {
            return;
        }

        if (cdn.Varnish.Url is not null)
        {
            services.AddSingleton<CacheCluster.Cdn.ICdnPurgeTarget>(new CacheCluster.Cdn.VarnishPurgeTarget(cdn.Varnish));
        }

        if (cdn.Cloudflare.ZoneId is not null)
        {
            services.AddSingleton<CacheCluster.Cdn.ICdnPurgeTarget>(new CacheCluster.Cdn.CloudflarePurgeTarget(cdn.Cloudflare, new Uri(cdn.PublicBaseUrl!)));
        }

        if (cdn.Fastly.ServiceId is not null)
        {
            services.AddSingleton<CacheCluster.Cdn.ICdnPurgeTarget>(new CacheCluster.Cdn.FastlyPurgeTarget(cdn.Fastly, new Uri(cdn.PublicBaseUrl!)));
        }

        services.TryAddSingleton(sp => new CacheCluster.Cdn.CdnPurgeSender(
            new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = TimeSpan.FromSeconds(15) },
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<CacheClusterOptions>>(),
            sp.GetRequiredService<CacheClusterMetrics>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<CacheCluster.Cdn.CdnPurgeSender>>()));
    }

    private static void AddCacheClusterServices(this IServiceCollection services, CacheClusterOptions options, RedisConnection? redis)
    {
        services.AddSingleton<IOptions<CacheClusterOptions>>(Options.Create(options));
        services.AddSingleton<IValidateOptions<CacheClusterOptions>, CacheClusterOptionsValidator>();
        services.TryAddKeyedSingleton(CacheClusterClock.ServiceKey, TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<CacheClusterMetrics>();

        services.TryAddSingleton<CacheCluster.Invalidation.Rules.InvalidationRuleSet>();
        services.TryAddSingleton<IInvalidationFanOut, GrainInvalidationFanOut>();
        services.AddSingleton<InvalidationStreamKeeper>();
        AddCdnPurging(services, options.Cdn);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<InvalidationStreamKeeper>());
        services.TryAddSingleton<EntryExpiryScheduler>();
        services.AddSingleton<IExpirySweep>(sp => sp.GetRequiredService<EntryExpiryScheduler>());
        services.AddHostedService<ExpiryService>();
        services.TryAddSingleton<EvictionTrigger>();
        services.TryAddSingleton<ActiveEntryTable>();
        services.TryAddSingleton<IProcessMemory, ProcessMemory>();
        services.TryAddSingleton<EntryEvictionMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<EntryEvictionMonitor>());

        if (redis is not null)
        {
            services.AddSingleton(_ => redis);
            services.TryAddSingleton<IEntryStore, RedisEntryStore>();
            services.TryAddSingleton<IRateLimitStore, RedisRateLimitStore>();
            services.TryAddSingleton<ITagIndex, RedisTagIndex>();
            services.TryAddSingleton<IKeyIndex, RedisKeyIndex>();
            services.TryAddSingleton<IInvalidationLog, RedisInvalidationLog>();
        }
        else
        {
            services.TryAddSingleton<MemoryTagIndex>();
            services.TryAddSingleton<MemoryKeyIndex>();
            services.TryAddSingleton<ITagIndex>(sp => sp.GetRequiredService<MemoryTagIndex>());
            services.TryAddSingleton<IKeyIndex>(sp => sp.GetRequiredService<MemoryKeyIndex>());
            services.TryAddSingleton<IInvalidationLog, MemoryInvalidationLog>();
            services.TryAddSingleton<MemoryRateLimitStore>();
            services.TryAddSingleton<IRateLimitStore>(sp => sp.GetRequiredService<MemoryRateLimitStore>());
            services.AddSingleton<IExpirySweep>(sp => sp.GetRequiredService<MemoryRateLimitStore>());
            services.TryAddSingleton(sp => new MemoryEntryStore(sp.GetRequiredService<MemoryTagIndex>(), sp.GetRequiredService<MemoryKeyIndex>(), sp.GetRequiredService<EvictionTrigger>()));
            services.TryAddSingleton<IEntryStore>(sp => sp.GetRequiredService<MemoryEntryStore>());
            services.AddSingleton<IExpirySweep>(sp => sp.GetRequiredService<MemoryEntryStore>());
        }
    }
}
