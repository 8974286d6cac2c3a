using System.Net;
using Microsoft.Extensions.Options;
using CacheCluster.Storage;
using StackExchange.Redis;

namespace CacheCluster.Hosting;

/// <summary>
/// Checks the host options, <see cref="CacheClusterOptions"/>; each message names the configuration key at fault. Each
/// feature's options have their own validator beside the feature.
/// </summary>
internal sealed class CacheClusterOptionsValidator : IValidateOptions<CacheClusterOptions>
{
    private const string Prefix = CacheClusterOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, CacheClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        CheckPort(failures, nameof(options.SiloPort), options.SiloPort);
        CheckPort(failures, nameof(options.GatewayPort), options.GatewayPort);
        if (options.SiloPort == options.GatewayPort)
        {
            failures.Add($"{Prefix}{nameof(options.SiloPort)} and {Prefix}{nameof(options.GatewayPort)} must differ (both are {options.SiloPort}).");
        }

        CheckId(failures, nameof(options.ClusterId), options.ClusterId);
        CheckId(failures, nameof(options.ServiceId), options.ServiceId);

        if (options.AdvertisedIP is { Length: > 0 } ip && !IPAddress.TryParse(ip, out _))
        {
            failures.Add($"{Prefix}{nameof(options.AdvertisedIP)} must be an IP address (was '{ip}').");
        }

        if (options.Redis is not null)
        {
            if (string.IsNullOrWhiteSpace(options.Redis))
            {
                failures.Add($"{Prefix}{nameof(options.Redis)} is set but empty; remove it for embedded mode or give a connection string.");
            }
            else
            {
                try
                {
                    var parsed = ConfigurationOptions.Parse(options.Redis);
                    if (parsed.EndPoints.Count == 0)
                    {
                        failures.Add($"{Prefix}{nameof(options.Redis)} names no endpoint.");
                    }
                }
                catch (ArgumentException ex)
                {
                    // The parser's message may quote the string; never echo a password back.
                    failures.Add($"{Prefix}{nameof(options.Redis)} is not a valid StackExchange.Redis connection string: {RedisConnectionString.Redact(ex.Message)}");
                }
            }
        }

        if (options.MaxKeyBytes is < 1 or > 64 * 1024)
        {
            failures.Add($"{Prefix}{nameof(options.MaxKeyBytes)} must be between 1 and 65536 (was {options.MaxKeyBytes}).");
        }

        if (options.MaxValueBytes is < 1 or > CacheClusterOptions.MaxValueBytesLimit)
        {
            failures.Add($"{Prefix}{nameof(options.MaxValueBytes)} must be between 1 and {CacheClusterOptions.MaxValueBytesLimit} (64 MiB) (was {options.MaxValueBytes}).");
        }

        if (!Enum.IsDefined(options.Clustering))
        {
            failures.Add($"{Prefix}{nameof(options.Clustering)} must be Auto or External (was {options.Clustering}).");
        }

        if (!Enum.IsDefined(options.Durability))
        {
            failures.Add($"{Prefix}{nameof(options.Durability)} must be Stored or WriteBehind (was {options.Durability}).");
        }

        if (options.MaxWriteDelay <= TimeSpan.Zero || options.MaxWriteDelay > CacheClusterOptions.MaxWriteDelayLimit)
        {
            failures.Add($"{Prefix}{nameof(options.MaxWriteDelay)} must be greater than zero and at most 00:00:01 (1 second) (was {options.MaxWriteDelay}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPort(List<string> failures, string key, int port)
    {
        if (port is < 1 or > 65535)
        {
            failures.Add($"{Prefix}{key} must be between 1 and 65535 (was {port}).");
        }
    }

    private static void CheckId(List<string> failures, string key, string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            failures.Add($"{Prefix}{key} must not be empty.");
        }
        else if (id.Length > 128 || id.Any(c => char.IsControl(c) || c == '/' || char.IsWhiteSpace(c)))
        {
            failures.Add($"{Prefix}{key} must be at most 128 characters, without spaces, slashes or control characters (was '{CacheKey.Describe(id)}').");
        }
    }
}
