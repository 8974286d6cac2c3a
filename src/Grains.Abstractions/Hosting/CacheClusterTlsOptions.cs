namespace CacheCluster.Hosting;

/// <summary>
/// TLS for Orleans traffic (silo to silo, client to gateway), bound from <c>CacheCluster:Tls</c> on silos and clients.
/// Off while neither <see cref="CertificatePath"/> nor <see cref="CaCertificatePath"/> is set.
/// </summary>
/// <remarks>
/// A peer's certificate is accepted when it is the very certificate in <see cref="CertificatePath"/> (one shared,
/// possibly self-signed, certificate for the whole cluster), or when it chains to a certificate in
/// <see cref="CaCertificatePath"/>. Host names are not checked: silos reach each other by IP address. Nothing else is
/// trusted, not even the machine's root store.
/// </remarks>
public sealed class CacheClusterTlsOptions
{
    /// <summary>
    /// Gets or sets this side's certificate: a PKCS#12 file (<c>.pfx</c>, <c>.p12</c>) or a PEM file holding the
    /// certificate and, unless <see cref="KeyPath"/> is set, its private key. Required on silos for TLS; on clients,
    /// required when silos require client certificates.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>Gets or sets the password of a PKCS#12 file or of an encrypted PEM key. Never logged.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Gets or sets a separate PEM private key file for a PEM <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Gets or sets a PEM (one or more certificates) or DER file of the CAs whose certificates are accepted.</summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether gateways require clients to present an accepted certificate (mutual
    /// TLS, which is then how the cluster authenticates its clients). Silos only; silo-to-silo TLS is always mutual.
    /// </summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool RequireClientCertificate { get; set; } = true;

    /// <summary>
    /// Gets the client certificates a gateway accepts, from <c>CacheCluster:Tls:AllowedClientCertificates</c> (a list):
    /// each a SHA-1 or SHA-256 thumbprint in hex (colons and spaces ignored), a whole subject (<c>CN=ops, O=Example</c>)
    /// or a subject's common name (<c>ops</c>), compared without regard to case. A client certificate is the same as the
    /// HTTP API's admin scope, so list the few that need it. Silos only, with <see cref="RequireClientCertificate"/>.
    /// </summary>
    /// <value>Default: empty: every client certificate that is accepted (see the remarks) and allows client
    /// authentication (its extended key usage lists 1.3.6.1.5.5.7.3.2) may connect.</value>
    public List<string> AllowedClientCertificates { get; } = [];

    /// <summary>
    /// Gets a value indicating whether TLS is on: <see cref="CertificatePath"/> or <see cref="CaCertificatePath"/> is set.
    /// </summary>
    public bool Enabled => CertificatePath is not null || CaCertificatePath is not null;
}
