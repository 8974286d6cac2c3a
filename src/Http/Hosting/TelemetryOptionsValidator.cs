using CacheCluster.Hosting;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Hosting;

/// <summary>Checks the silo's <c>CacheCluster:Telemetry</c>: the OTLP endpoint, when set, is an absolute http(s) URI.</summary>
internal sealed class TelemetryOptionsValidator : IValidateOptions<CacheClusterTelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheClusterTelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        OtlpEndpoint.Validate(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
