using System.Net;
using System.Net.Sockets;
using CacheCluster;
using CacheCluster.Tls;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Hosting;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CacheCluster client in an application's services.</summary>
public static class CacheClusterClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Orleans client and <see cref="IClusterCache"/>, with options bound from the <c>CacheCluster</c> section.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCacheClusterClient(this IServiceCollection services, IConfiguration configuration, Action<CacheClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddCacheClusterClient(options =>
        {
            configuration.GetSection(CacheClusterClientOptions.SectionName).Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Adds the Orleans client and <see cref="IClusterCache"/>: the localhost gateway by default, Redis membership when
    /// <see cref="CacheClusterClientOptions.Redis"/> is set.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid, or a TLS certificate cannot be loaded (the message names the key).</exception>
    public static IServiceCollection AddCacheClusterClient(this IServiceCollection services, Action<CacheClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var failures = new List<string>();
        ValidatedOptions.Collect(failures, () => ValidatedOptions.Add(services, null, configure, new CacheClusterClientOptionsValidator(), out _));
        var options = ValidatedOptions.Find<CacheClusterClientOptions>(services)!;
        var tls = options.Tls.Enabled
            ? TlsCredentials.Load(options.Tls, $"{CacheClusterClientOptions.SectionName}:{nameof(options.Tls)}:", requireCertificate: false, failures)
            : null;
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.Options.DefaultName, typeof(CacheClusterClientOptions), failures);
        }

        services.AddSingleton<IClusterCache, ClusterCache>();
        services.AddSingleton<ClusterConnectionMonitor>();
        services.AddSingleton<IClusterRateLimiter, CacheCluster.RateLimiting.ClusterRateLimiter>();
        services.AddOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = options.ClusterId;
                cluster.ServiceId = options.ServiceId;
            });

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

            if (tls is not null)
            {
                // The gateway's certificate must be accepted (TlsCredentials.Accepts); ours is sent when configured.
                client.UseTls(tlsOptions =>
                {
                    tlsOptions.LocalCertificate = tls.Certificate;
                    tlsOptions.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                    tlsOptions.RemoteCertificateValidation = (certificate, _, _) => tls.Accepts(certificate);
                });
            }

            client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = options.ResponseTimeout);
            client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod);
            client.UseConnectionRetryFilter(new ConnectRetryFilter(options.ConnectTimeout, TimeProvider.System));
            client.AddGatewayCountChangedHandler(sp => sp.GetRequiredService<ClusterConnectionMonitor>().OnGatewayCountChanged);
        });

        return services;
    }

    private static IEnumerable<IPEndPoint> Resolve(string gateway)
    {
        _ = TryParseEndpoint(gateway, out var host, out var port);
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

    internal static bool TryParseEndpoint(string value, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = value?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = value![..colon].Trim('[', ']');
        return host.Length > 0;
    }
}
