using System.Security.Cryptography.X509Certificates;
using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Orleans.Hosting;

/// <summary>Registers TLS on every Orleans connection of the silo (off until a certificate is configured).</summary>
public static class CacheClusterTlsExtensions
{
    /// <summary>
    /// Adds TLS, bound from <c>CacheCluster:Tls</c>: silo to silo always mutual; gateways require a client certificate
    /// unless <see cref="CacheClusterTlsOptions.RequireClientCertificate"/> is off. Peers are accepted by
    /// <see cref="TlsCredentials.Accepts"/>. Nothing changes while no certificate is configured.
    /// <c>AddCacheCluster</c> calls it.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">A certificate cannot be loaded; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterTls(this ISiloBuilder builder, IConfiguration configuration, Action<CacheClusterTlsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var tls = ValidatedOptions.Add(builder.Services, configuration.GetSection(CacheClusterTlsOptionsValidator.SectionName), configure, new CacheClusterTlsOptionsValidator(), out var added);
        if (added)
        {
            // Read when Orleans resolves its connection options, so every later AddCacheClusterTls call counts.
            builder.Configure<SiloConnectionOptions>(connections => UseTls(connections, tls));
        }

        return builder;
    }

    /// <summary>Configures TLS in code (after any configuration bound before).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">The changes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">A certificate cannot be loaded; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterTls(this ISiloBuilder builder, Action<CacheClusterTlsOptions> configure) =>
        builder.AddCacheClusterTls(new ConfigurationBuilder().Build(), configure);

    private static void UseTls(SiloConnectionOptions connections, CacheClusterTlsOptions tls)
    {
        if (!tls.Enabled)
        {
            return;
        }

        var failures = new List<string>();
        var credentials = TlsCredentials.Load(tls, CacheClusterTlsOptionsValidator.Prefix, requireCertificate: true, failures)
            ?? throw new OptionsValidationException(Options.DefaultName, typeof(CacheClusterTlsOptions), failures);
        TlsOptions Configure(RemoteCertificateMode remoteMode, Func<X509Certificate2, bool> accepts) => new()
        {
            LocalCertificate = credentials.Certificate,
            RemoteCertificateMode = remoteMode,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (certificate, _, _) => accepts(certificate),
        };

        // Gateway clients also need the client-authentication usage and, when listed, a place on the allow-list.
        var clients = new GatewayClientCertificates(tls.AllowedClientCertificates);
        var silos = Configure(RemoteCertificateMode.RequireCertificate, credentials.Accepts);
        var gateway = Configure(
            tls.RequireClientCertificate ? RemoteCertificateMode.RequireCertificate : RemoteCertificateMode.NoCertificate,
            certificate => clients.Accepts(credentials, certificate));
        connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(silos));
        connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(silos));
        connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(gateway));
    }
}
