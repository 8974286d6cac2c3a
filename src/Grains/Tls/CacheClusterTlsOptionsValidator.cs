using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>
/// Checks a silo's <see cref="CacheClusterTlsOptions"/> by loading the certificates (a silo needs its own certificate);
/// each message names the configuration key at fault, never a password.
/// </summary>
internal sealed class CacheClusterTlsOptionsValidator : IValidateOptions<CacheClusterTlsOptions>
{
    /// <summary>The section the options are bound from.</summary>
    public const string SectionName = CacheClusterOptions.SectionName + ":Tls";

    /// <summary>The prefix of every key the messages name.</summary>
    public const string Prefix = SectionName + ":";

    public ValidateOptionsResult Validate(string? name, CacheClusterTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return options.AllowedClientCertificates.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{Prefix}{nameof(options.AllowedClientCertificates)} is set but TLS is off: set {Prefix}{nameof(options.CertificatePath)} too.");
        }

        var failures = new List<string>();
        GatewayClientCertificates.Validate(options, Prefix, failures);
        TlsCredentials.Load(options, Prefix, requireCertificate: true, failures)?.Certificate?.Dispose();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
