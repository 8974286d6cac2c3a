using System.Net;

namespace CacheCluster.Hosting;

/// <summary>
/// Whether a silo's Orleans ports would be reachable off this host without the gateway authenticating its clients.
/// Any client that reaches a gateway can call every grain (it is the same as the HTTP API's admin scope), so such a
/// silo does not start unless <see cref="CacheClusterOptions.AllowInsecureTransport"/> says so explicitly.
/// </summary>
internal static class GatewayExposure
{
    /// <summary>
    /// Gets the reason the silo's gateway would be open to anyone off this host, naming the configuration key that
    /// closes it, or <see langword="null"/> when it is loopback only (embedded mode, the default address, an external
    /// host's own endpoints) or requires client certificates.
    /// </summary>
    public static string? Problem(CacheClusterOptions options, CacheClusterTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tls);

        // Embedded mode listens on 127.0.0.1 whatever AdvertisedIP says; External leaves the endpoints to the host.
        if (options.Clustering != ClusteringMode.Auto || options.Redis is null
            || options.AdvertisedIP is not { Length: > 0 } text || !IPAddress.TryParse(text, out var address) || IPAddress.IsLoopback(address))
        {
            return null;
        }

        const string Prefix = CacheClusterTlsOptionsValidator.Prefix;
        if (!tls.Enabled)
        {
            return $"{Prefix}{nameof(tls.CertificatePath)} is required: the silo listens on {address} (not loopback) and, without TLS, "
                + $"any Orleans client that reaches gateway port {options.GatewayPort} can read, write and invalidate every entry, "
                + $"around the HTTP API's keys. Configure TLS with client certificates, or set {CacheClusterOptions.SectionName}:{nameof(options.AllowInsecureTransport)}=true "
                + "if a network boundary protects the ports.";
        }

        if (!tls.RequireClientCertificate)
        {
            return $"{Prefix}{nameof(tls.RequireClientCertificate)} is off while the silo listens on {address} (not loopback): "
                + $"any client that reaches gateway port {options.GatewayPort} could read, write and invalidate every entry. "
                + $"Require client certificates, or set {CacheClusterOptions.SectionName}:{nameof(options.AllowInsecureTransport)}=true "
                + "if a network boundary protects the ports.";
        }

        return null;
    }
}
