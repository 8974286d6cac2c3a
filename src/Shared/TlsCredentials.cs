using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

// Shared source, compiled into the silo (Grains) and the client as an internal type of each: both load
// CacheCluster:Tls the same way, and InternalsVisibleTo is reserved for tests. The client's copy lives in its own
// namespace, so that a test assembly that sees both assemblies' internals can still name the silo's copy.
#if CACHECLUSTER_CLIENT
using CacheCluster.Hosting;

namespace CacheCluster.Tls;
#else
namespace CacheCluster.Hosting;
#endif

/// <summary>
/// The certificates of <see cref="CacheClusterTlsOptions"/>, loaded and checked once at start-up, and the rule that
/// decides which peer certificates are accepted. Messages name the configuration key and never carry a password.
/// </summary>
internal sealed class TlsCredentials
{
    private TlsCredentials(X509Certificate2? certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    /// <summary>Gets this side's certificate, with its private key, or <see langword="null"/>.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>Gets the CA certificates a peer's certificate may chain to.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>
    /// Loads the certificates <paramref name="options"/> name. Each problem is added to <paramref name="failures"/>
    /// as a message starting with the configuration key (<paramref name="prefix"/>, such as <c>CacheCluster:Tls:</c>).
    /// </summary>
    /// <returns>The credentials, or <see langword="null"/> when a problem was found.</returns>
    public static TlsCredentials? Load(CacheClusterTlsOptions options, string prefix, bool requireCertificate, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        var before = failures.Count;
        if (requireCertificate && options.CertificatePath is null)
        {
            failures.Add($"{prefix}{nameof(options.CertificatePath)} is required for TLS: the certificate (PFX or PEM) this side presents.");
        }

        var certificate = options.CertificatePath is { } path && Exists(path, prefix + nameof(options.CertificatePath), failures)
            ? LoadCertificate(options, path, prefix, failures)
            : null;
        if (options.KeyPath is not null && options.CertificatePath is null)
        {
            failures.Add($"{prefix}{nameof(options.KeyPath)} is set without {prefix}{nameof(options.CertificatePath)}.");
        }

        var authorities = new X509Certificate2Collection();
        if (options.CaCertificatePath is { } caPath && Exists(caPath, prefix + nameof(options.CaCertificatePath), failures))
        {
            try
            {
                if (File.ReadAllText(caPath).Contains("-----BEGIN", StringComparison.Ordinal))
                {
                    authorities.ImportFromPemFile(caPath);
                }
                else
                {
                    authorities.Add(X509CertificateLoader.LoadCertificateFromFile(caPath));
                }

                if (authorities.Count == 0)
                {
                    failures.Add($"{prefix}{nameof(options.CaCertificatePath)}: '{caPath}' holds no certificate.");
                }
            }
            catch (CryptographicException)
            {
                failures.Add($"{prefix}{nameof(options.CaCertificatePath)}: '{caPath}' is not a PEM or DER certificate file.");
            }
        }

        return failures.Count == before ? new TlsCredentials(certificate, authorities) : null;
    }

    /// <summary>
    /// Tells whether a peer's certificate is accepted: it is this side's own certificate, or it chains to one of
    /// <see cref="Authorities"/>. The host name is not checked.
    /// </summary>
    public bool Accepts(X509Certificate2 remote)
    {
        ArgumentNullException.ThrowIfNull(remote);
        if (Certificate is not null && remote.RawDataMemory.Span.SequenceEqual(Certificate.RawDataMemory.Span))
        {
            return true;
        }

        if (Authorities.Count == 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(remote);
    }

    private static X509Certificate2? LoadCertificate(CacheClusterTlsOptions options, string path, string prefix, List<string> failures)
    {
        var pkcs12 = path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);
        X509Certificate2 certificate;
        try
        {
            if (pkcs12)
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
            }
            else
            {
                if (options.KeyPath is { } keyPath && !Exists(keyPath, prefix + nameof(options.KeyPath), failures))
                {
                    return null;
                }

                certificate = options.CertificatePassword is { } password
                    ? X509Certificate2.CreateFromEncryptedPemFile(path, password, options.KeyPath)
                    : X509Certificate2.CreateFromPemFile(path, options.KeyPath);
            }
        }
        catch (CryptographicException)
        {
            failures.Add(pkcs12
                ? $"{prefix}{nameof(options.CertificatePath)}: '{path}' could not be opened: wrong or missing {prefix}{nameof(options.CertificatePassword)}, or not a PKCS#12 file."
                : $"{prefix}{nameof(options.CertificatePath)}: '{path}' could not be read as a PEM certificate with its private key (in the file or in {prefix}{nameof(options.KeyPath)}); a wrong {prefix}{nameof(options.CertificatePassword)} for an encrypted key also ends here.");
            return null;
        }
        catch (ArgumentException)
        {
            failures.Add($"{prefix}{nameof(options.CertificatePath)}: '{path}' holds no PEM certificate with its private key (in the file or in {prefix}{nameof(options.KeyPath)}).");
            return null;
        }

        if (!certificate.HasPrivateKey)
        {
            failures.Add($"{prefix}{nameof(options.CertificatePath)}: '{path}' holds no private key.");
            certificate.Dispose();
            return null;
        }

        if (certificate.NotAfter.ToUniversalTime() < TimeProvider.System.GetUtcNow().UtcDateTime)
        {
            failures.Add($"{prefix}{nameof(options.CertificatePath)}: the certificate in '{path}' expired on {certificate.NotAfter:u}.");
        }

        return certificate;
    }

    private static bool Exists(string path, string key, List<string> failures)
    {
        if (File.Exists(path))
        {
            return true;
        }

        failures.Add($"{key}: the file '{path}' was not found.");
        return false;
    }
}
