using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace CacheCluster.Hosting;

/// <summary>
/// Which client certificates a gateway lets in, beyond <see cref="TlsCredentials.Accepts"/>: the certificate must allow
/// client authentication (an extended key usage extension listing <see cref="ClientAuthenticationOid"/>; a certificate
/// without the extension is refused too), and, when <see cref="CacheClusterTlsOptions.AllowedClientCertificates"/>
/// lists any, be one of them by thumbprint or subject.
/// </summary>
internal sealed class GatewayClientCertificates
{
    /// <summary>The extended key usage of TLS client authentication (id-kp-clientAuth).</summary>
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private readonly HashSet<string> _thumbprints = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _subjects = new(StringComparer.OrdinalIgnoreCase);

    public GatewayClientCertificates(IEnumerable<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        foreach (var entry in allowed)
        {
            if (Thumbprint(entry) is { } thumbprint)
            {
                _thumbprints.Add(thumbprint);
            }
            else
            {
                _subjects.Add(entry.Trim());
            }
        }
    }

    /// <summary>Checks <see cref="CacheClusterTlsOptions.AllowedClientCertificates"/>, naming the key at fault.</summary>
    public static void Validate(CacheClusterTlsOptions options, string prefix, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = prefix + nameof(options.AllowedClientCertificates);
        if (options.AllowedClientCertificates.Count > 0 && !options.RequireClientCertificate)
        {
            failures.Add($"{key} is set while {prefix}{nameof(options.RequireClientCertificate)} is off: the gateways would ask for no certificate to check.");
        }

        foreach (var entry in options.AllowedClientCertificates)
        {
            if (string.IsNullOrWhiteSpace(entry))
            {
                failures.Add($"{key} has an empty entry; give a thumbprint, a subject (CN=...) or a common name.");
            }
        }
    }

    /// <summary>Tells whether a client certificate may use the gateway: accepted by the cluster's TLS, then by this rule.</summary>
    public bool Accepts(TlsCredentials credentials, X509Certificate2 remote)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return remote is not null && credentials.Accepts(remote) && Allows(remote);
    }

    /// <summary>Tells whether the certificate allows client authentication and, when a list is configured, is on it.</summary>
    public bool Allows(X509Certificate2 remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (!AllowsClientAuthentication(remote))
        {
            return false;
        }

        if (_thumbprints.Count == 0 && _subjects.Count == 0)
        {
            return true;
        }

        return _thumbprints.Contains(remote.GetCertHashString(HashAlgorithmName.SHA1))
            || _thumbprints.Contains(remote.GetCertHashString(HashAlgorithmName.SHA256))
            || _subjects.Contains(remote.Subject)
            || _subjects.Contains(remote.GetNameInfo(X509NameType.SimpleName, forIssuer: false));
    }

    private static bool AllowsClientAuthentication(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .Any(usage => usage.EnhancedKeyUsages.Cast<Oid>().Any(oid => oid.Value == ClientAuthenticationOid));

    /// <summary>The entry as an upper-case hex thumbprint (SHA-1: 40 digits, SHA-256: 64), or <see langword="null"/>.</summary>
    private static string? Thumbprint(string entry)
    {
        var digits = new string([.. entry.Where(c => c is not (':' or ' ' or '-'))]);
        return digits.Length is 40 or 64 && digits.All(char.IsAsciiHexDigit) ? digits.ToUpperInvariant() : null;
    }
}
