// Shared source: compiled into the hosts that export traces (Client, Http), so both read CacheCluster:Telemetry alike.
namespace CacheCluster.Hosting;

/// <summary>Checks <see cref="CacheClusterTelemetryOptions.OtlpEndpoint"/> and turns it into the OTLP traces URI.</summary>
internal static class OtlpEndpoint
{
    /// <summary>The configuration key, for messages.</summary>
    public const string Key = "CacheCluster:Telemetry:" + nameof(CacheClusterTelemetryOptions.OtlpEndpoint);

    /// <summary>The path under a collector's base address where OTLP/HTTP takes traces.</summary>
    public const string TracesPath = "/v1/traces";

    /// <summary>Adds a failure unless the endpoint is unset or an absolute http(s) URI.</summary>
    public static void Validate(CacheClusterTelemetryOptions options, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(failures);
        if (options.OtlpEndpoint is { } endpoint && TracesUri(endpoint) is null)
        {
            failures.Add($"{Key} must be an absolute http or https URI such as http://collector:4318 (was '{endpoint}').");
        }
    }

    /// <summary>
    /// The URI the traces are posted to: the endpoint itself when it names a path, else <see cref="TracesPath"/> under
    /// it; <see langword="null"/> when the endpoint is not an absolute http(s) URI.
    /// </summary>
    public static Uri? TracesUri(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            return null;
        }

        return uri.AbsolutePath is "" or "/" ? new Uri(uri, TracesPath) : uri;
    }
}
