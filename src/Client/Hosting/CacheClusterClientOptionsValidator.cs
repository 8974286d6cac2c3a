using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CacheCluster.Hosting;

/// <summary>
/// Checks <see cref="CacheClusterClientOptions"/> and its <see cref="CacheClusterClientOptions.NearCache"/>; each
/// message names the configuration key at fault. (The TLS certificates are checked when they are loaded.)
/// </summary>
internal sealed class CacheClusterClientOptionsValidator : IValidateOptions<CacheClusterClientOptions>
{
    private const string Prefix = CacheClusterClientOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, CacheClusterClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var gateway in options.Gateways)
        {
            if (!CacheClusterClientServiceCollectionExtensions.TryParseEndpoint(gateway, out _, out _))
            {
                failures.Add($"{Prefix}{nameof(options.Gateways)}: gateway '{gateway}' is not HOST:PORT with a port from 1 to 65535.");
            }
        }

        if (options.Redis is not null)
        {
            try
            {
                ConfigurationOptions.Parse(options.Redis);
            }
            catch (ArgumentException)
            {
                // The parser's message may quote the string; never echo a password back.
                failures.Add($"{Prefix}{nameof(options.Redis)} is not a valid StackExchange.Redis connection string.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ClusterId))
        {
            failures.Add($"{Prefix}{nameof(options.ClusterId)} must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceId))
        {
            failures.Add($"{Prefix}{nameof(options.ServiceId)} must not be empty.");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(options.ConnectTimeout)} must be greater than zero (was {options.ConnectTimeout}).");
        }

        if (options.ResponseTimeout <= TimeSpan.Zero || options.ResponseTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Prefix}{nameof(options.ResponseTimeout)} must be greater than zero and at most 10 minutes (was {options.ResponseTimeout}).");
        }

        if (options.ClusterTimeout <= TimeSpan.Zero || options.ClusterTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Prefix}{nameof(options.ClusterTimeout)} must be greater than zero and at most 10 minutes (was {options.ClusterTimeout}).");
        }

        ValidateResilience(options.Resilience, failures);

        if (options.GatewayListRefreshPeriod < TimeSpan.FromSeconds(1) || options.GatewayListRefreshPeriod > TimeSpan.FromHours(1))
        {
            failures.Add($"{Prefix}{nameof(options.GatewayListRefreshPeriod)} must be between 1 second and 1 hour (was {options.GatewayListRefreshPeriod}).");
        }

        if (options.MaxKeyBytes < 1)
        {
            failures.Add($"{Prefix}{nameof(options.MaxKeyBytes)} must be at least 1 (was {options.MaxKeyBytes}).");
        }

        if (options.Serializer is null)
        {
            failures.Add($"{Prefix}{nameof(options.Serializer)} must not be null.");
        }

        try
        {
            options.DefaultEntryOptions?.Validate();
        }
        catch (InvalidCacheOptionsException ex)
        {
            failures.Add($"{Prefix}{nameof(options.DefaultEntryOptions)}: {ex.Message}");
        }

        OtlpEndpoint.Validate(options.Telemetry, failures);
        if (new NearCacheOptionsValidator().Validate(name, options.NearCache) is { Failed: true } nearCache)
        {
            failures.AddRange(nearCache.Failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateResilience(Resilience.CacheClusterResilienceOptions options, List<string> failures)
    {
        const string prefix = Prefix + nameof(CacheClusterClientOptions.Resilience) + ":";
        if (options.BreakerThreshold < 1)
        {
            failures.Add($"{prefix}{nameof(options.BreakerThreshold)} must be at least 1 (was {options.BreakerThreshold}).");
        }

        if (options.BreakerDuration <= TimeSpan.Zero || options.BreakerDuration > TimeSpan.FromHours(1))
        {
            failures.Add($"{prefix}{nameof(options.BreakerDuration)} must be greater than zero and at most 1 hour (was {options.BreakerDuration}).");
        }

        if (options.FailSafeMaxDuration < TimeSpan.Zero || options.FailSafeMaxDuration > TimeSpan.FromDays(30))
        {
            failures.Add($"{prefix}{nameof(options.FailSafeMaxDuration)} must be between 0 and 30 days (was {options.FailSafeMaxDuration}).");
        }

        if (!Enum.IsDefined(options.ReadFailureMode))
        {
            failures.Add($"{prefix}{nameof(options.ReadFailureMode)} must be Miss or Throw (was {options.ReadFailureMode}).");
        }

        if (!Enum.IsDefined(options.SetFailureMode))
        {
            failures.Add($"{prefix}{nameof(options.SetFailureMode)} must be Throw or Queue (was {options.SetFailureMode}).");
        }

        if (!Enum.IsDefined(options.RemoveFailureMode))
        {
            failures.Add($"{prefix}{nameof(options.RemoveFailureMode)} must be Throw or Queue (was {options.RemoveFailureMode}).");
        }

        if (options.MaxQueuedWrites is < 1 or > 10_000_000)
        {
            failures.Add($"{prefix}{nameof(options.MaxQueuedWrites)} must be between 1 and 10,000,000 (was {options.MaxQueuedWrites}).");
        }
    }
}
