using System.Net;
using System.Net.Sockets;
using System.Reflection;
using CacheCluster.Internal;
using CacheCluster.NearCache;
using CacheCluster.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;
using StackExchange.Redis;

namespace CacheCluster.Hosting;

/// <summary>
/// What <c>AddCacheClusterClient</c> has registered so far, kept in the services so that every later call adds to the
/// same registration: one <see cref="IClusterCache"/>, one options instance and at most one Orleans client.
/// </summary>
/// <remarks>
/// Settings Orleans reads when the services are resolved (cluster identity, timeouts, refresh period, connect
/// timeout, the trusted certificates) are read from the options instance then, so the last call's value wins. The
/// clustering choice (gateways or Redis) is registered again whenever a call changes it; Orleans resolves the last
/// registration. TLS is added by the first call that turns it on.
/// </remarks>
internal sealed class ClusterClientRegistration
{
    private const string MarkerTypeName = "Microsoft.Extensions.Hosting.OrleansBuilderMarker";
    private const string ClusterClientTypeName = "Orleans.ClusterClient";
    private const string OrleansLogCategory = "Orleans";

    private string? _clustering;
    private TlsCredentials? _tls;
    private bool _otlp;
    private IServiceCollection? _services;
    private ServiceDescriptor? _client;

    private ClusterClientRegistration(bool coHosted) => CoHosted = coHosted;

    /// <summary>Gets a value indicating whether the process hosts a silo, whose own client the cache uses.</summary>
    public bool CoHosted { get; }

    /// <summary>
    /// Gets a value indicating whether the application registered an <see cref="IClusterClient"/> of its own after ours
    /// (a test cluster's client, say): the cache uses it as it is, and ours is not started. Read once the services are built.
    /// </summary>
    public bool ClientReplaced =>
        _services is not null && !ReferenceEquals(_services.LastOrDefault(d => d.ServiceType == typeof(IClusterClient) && !d.IsKeyedService), _client);

    /// <summary>Gets the registration made by an earlier call, or <see langword="null"/>.</summary>
    public static ClusterClientRegistration? Find(IServiceCollection services) =>
        services.LastOrDefault(d => d.ServiceType == typeof(ClusterClientRegistration) && !d.IsKeyedService)?.ImplementationInstance as ClusterClientRegistration;

    /// <summary>Registers the cache and its companions once, over the silo's client or a new Orleans client.</summary>
    public static ClusterClientRegistration Create(IServiceCollection services, CacheClusterClientOptions options)
    {
        var registration = new ClusterClientRegistration(HostsSilo(services));
        services.AddSingleton(registration);
        services.AddSingleton<IClusterCache, ClusterCache>();
        services.AddSingleton<IClusterRateLimiter, CacheCluster.RateLimiting.ClusterRateLimiter>();
        if (registration.CoHosted)
        {
            // UseOrleans registered IClusterClient and IGrainFactory over the silo itself: no gateway, no second
            // connection. Nothing raises the connection monitor's events: a silo does not lose its own gateway.
            services.AddSingleton(_ => new ClusterConnectionMonitor(started: true));
            return registration;
        }

        // Unconnected until the client has started (ClusterClientStarter) with a gateway; connected from the first when
        // the application registered an IClusterClient of its own, which is its own to start.
        services.AddSingleton(_ => new ClusterConnectionMonitor(started: registration.ClientReplaced));

        services.AddOrleansClient(client =>
        {
            // Read when Orleans resolves its options, so every call's configure is seen.
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });
            client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = options.ResponseTimeout);
            client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod);
            client.Services.AddSingleton<IClientConnectionRetryFilter>(sp => new ConnectRetryFilter(
                options.WaitForCluster ? options.ConnectTimeout : null,
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetService<ILogger<ConnectRetryFilter>>()));
            client.AddGatewayCountChangedHandler(sp => sp.GetRequiredService<ClusterConnectionMonitor>().OnGatewayCountChanged);

            // A stopping client tells the cluster to forget its near cache's trackers (bounded; see NearCacheDeparture).
            client.Services.AddSingleton<NearCacheDeparture>();
            client.Services.AddSingleton<ILifecycleParticipant<IClusterClientLifecycle>>(sp => sp.GetRequiredService<NearCacheDeparture>());

            // The trace context of the application's span goes with each grain call (a silo takes it up likewise).
            client.AddActivityPropagation();
        });
        registration._services = services;
        registration._client = services.Last(d => d.ServiceType == typeof(IClusterClient) && !d.IsKeyedService);
        StartInBackground(services);

        // Orleans' start-up lines (options, versions, gateways) are Information: a client-only process shows Warning and
        // above. The rule goes first, so that any rule of the application's for the same category (configuration
        // "Logging:LogLevel:Orleans", or AddFilter) wins over it, as the later of two equal rules does.
        services.Configure<LoggerFilterOptions>(filters => filters.Rules.Insert(0, new LoggerFilterRule(null, OrleansLogCategory, LogLevel.Warning, null)));
        return registration;
    }

    /// <summary>
    /// Puts <see cref="ClusterClientStarter"/> in the place of Orleans' own hosted service for its client (registered
    /// by <c>AddOrleansClient</c> as "the <c>ClusterClient</c> singleton as <see cref="IHostedService"/>"), whose start
    /// waits for the cluster.
    /// </summary>
    private static void StartInBackground(IServiceCollection services)
    {
        var clientType = services.FirstOrDefault(d => d.ServiceType.FullName == ClusterClientTypeName && !d.IsKeyedService)?.ServiceType;
        var index = -1;
        for (var i = 0; i < services.Count && clientType is not null; i++)
        {
            if (services[i] is { ServiceType: var type, IsKeyedService: false, ImplementationFactory: { Target: { } target } }
                && type == typeof(IHostedService)
                && target.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Any(f => f.FieldType == typeof(Type) && (Type?)f.GetValue(target) == clientType))
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            // Only an Orleans version that registers its client differently gets here; the tests pin 10.4.2's way.
            throw new InvalidOperationException("The Orleans client's hosted service was not found: this Orleans version is not supported by CacheCluster's client.");
        }

        services.AddSingleton<ClusterClientStarter>();
        services[index] = ServiceDescriptor.Singleton<IHostedService>(sp => sp.GetRequiredService<ClusterClientStarter>());
    }

    /// <summary>
    /// Applies this call's connection settings: the clustering when it changed, and TLS. Does nothing when co-hosted
    /// (the silo's own settings apply).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="options">The options, configured and checked by this call.</param>
    /// <param name="failures">This call's validation failures so far.</param>
    /// <exception cref="OptionsValidationException">There were failures, a TLS certificate cannot be loaded, or TLS was turned off after a call turned it on.</exception>
    public void ApplyConnection(IServiceCollection services, CacheClusterClientOptions options, List<string> failures)
    {
        if (CoHosted)
        {
            ThrowIfAny(failures);
            return;
        }

        var tlsPrefix = $"{CacheClusterClientOptions.SectionName}:{nameof(options.Tls)}:";
        var tls = options.Tls.Enabled ? TlsCredentials.Load(options.Tls, tlsPrefix, requireCertificate: false, failures) : null;
        if (tls is null && _tls is not null && !options.Tls.Enabled)
        {
            failures.Add($"{tlsPrefix[..^1]}: an earlier AddCacheClusterClient call turned TLS on; a later call cannot turn it off.");
        }

        ThrowIfAny(failures);
        if (options.Telemetry.OtlpEndpoint is not null && !_otlp)
        {
            ClientTracing.AddOtlp(services, options);
            _otlp = true;
        }

        var clustering = options.Redis is { } redis ? "redis:" + redis : "gateways:" + string.Join(',', options.Gateways);
        var firstTls = tls is not null && _tls is null;
        _tls = tls;
        services.AddOrleansClient(client =>
        {
            if (clustering != _clustering)
            {
                // Orleans resolves the last IGatewayListProvider registered, and each Configure sets the whole list.
                UseClustering(client, options);
                _clustering = clustering;
            }

            if (firstTls)
            {
                // The gateway's certificate must be accepted (TlsCredentials.Accepts, by the last call's authorities);
                // ours is sent when configured.
                client.UseTls(tlsOptions =>
                {
                    tlsOptions.LocalCertificate = tls!.Certificate;
                    tlsOptions.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                    tlsOptions.RemoteCertificateValidation = (certificate, _, _) => _tls!.Accepts(certificate);
                });
            }
        });
    }

    private static void ThrowIfAny(List<string> failures)
    {
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(CacheClusterClientOptions), failures);
        }
    }

    private static void UseClustering(IClientBuilder client, CacheClusterClientOptions options)
    {
        if (options.Redis is { } redis)
        {
            var configuration = ConfigurationOptions.Parse(redis);
            configuration.AbortOnConnectFail = false;
            configuration.ConnectTimeout = (int)Math.Min(configuration.ConnectTimeout, options.ConnectTimeout.TotalMilliseconds);
            client.UseRedisClustering(clustering => clustering.ConfigurationOptions = configuration);
        }
        else
        {
            client.UseStaticClustering([.. (options.Gateways.Count == 0 ? ["127.0.0.1:30000"] : options.Gateways).SelectMany(Resolve)]);
        }
    }

    /// <summary>
    /// Tells whether <c>UseOrleans</c>/<c>AddOrleans</c> has configured a silo in these services. Orleans marks the
    /// services with its (internal) builder marker holding the silo or client builder; it is what Orleans itself checks.
    /// </summary>
    private static bool HostsSilo(IServiceCollection services) =>
        services.Any(d => d.ServiceType.FullName == MarkerTypeName
            && d.ImplementationInstance?.GetType().GetProperty("BuilderInstance")?.GetValue(d.ImplementationInstance) is { } builder
            && builder is not IClientBuilder);

    private static IEnumerable<IPEndPoint> Resolve(string gateway)
    {
        _ = CacheClusterClientServiceCollectionExtensions.TryParseEndpoint(gateway, out var host, out var port);
        if (IPAddress.TryParse(host, out var address))
        {
            return [new IPEndPoint(address, port)];
        }

        try
        {
            // Resolved once, at registration: a gateway list is static by definition. Use Redis membership for discovery.
            return Dns.GetHostAddresses(host).Select(a => new IPEndPoint(a, port));
        }
        catch (SocketException ex)
        {
            throw new CacheClusterUnavailableException($"Gateway host '{host}' could not be resolved: {ex.Message}", ex);
        }
    }
}
