using System.Net;
using Microsoft.Extensions.Options;
using CacheCluster.Storage;
using StackExchange.Redis;

namespace CacheCluster.Hosting;

/// <summary>Checks <see cref="CacheClusterOptions"/>; each message names the configuration key at fault.</summary>
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

        if (options.ExpirySweepInterval <= TimeSpan.Zero || options.ExpirySweepInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Prefix}{nameof(options.ExpirySweepInterval)} must be greater than zero and at most 10 minutes (was {options.ExpirySweepInterval}).");
        }

        if (options.EntryIdleTimeout < TimeSpan.FromSeconds(10) || options.EntryIdleTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"{Prefix}{nameof(options.EntryIdleTimeout)} must be between 10 seconds and 1 day (was {options.EntryIdleTimeout}).");
        }

        if (options.MaxMemoryMB is < CacheClusterOptions.MinMaxMemoryMB or > CacheClusterOptions.MaxMaxMemoryMB)
        {
            failures.Add($"{Prefix}{nameof(options.MaxMemoryMB)} must be between {CacheClusterOptions.MinMaxMemoryMB} and {CacheClusterOptions.MaxMaxMemoryMB} (MiB), or unset for no bound (was {options.MaxMemoryMB}).");
        }

        if (options.MaxEntries is < 1)
        {
            failures.Add($"{Prefix}{nameof(options.MaxEntries)} must be at least 1, or unset for no limit (was {options.MaxEntries}).");
        }

        if (options.RateLimitCheckpointInterval < TimeSpan.Zero || options.RateLimitCheckpointInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Prefix}{nameof(options.RateLimitCheckpointInterval)} must be between 0 and 10 minutes (was {options.RateLimitCheckpointInterval}).");
        }

        foreach (var (policyName, policy) in options.RateLimits)
        {
            failures.AddRange(policy.Validate(policyName));
        }

        failures.AddRange(CacheCluster.Invalidation.Rules.InvalidationRuleSet.Validate(options.Invalidation));
        var invalidation = options.Invalidation;
        const string InvalidationPrefix = Prefix + nameof(options.Invalidation) + ":";
        if (invalidation.DuplicateWindow < TimeSpan.FromSeconds(1) || invalidation.DuplicateWindow > TimeSpan.FromDays(7))
        {
            failures.Add($"{InvalidationPrefix}{nameof(invalidation.DuplicateWindow)} must be between 1 second and 7 days (was {invalidation.DuplicateWindow}).");
        }

        if (invalidation.SubscriptionLifetime < TimeSpan.FromSeconds(3) || invalidation.SubscriptionLifetime > TimeSpan.FromDays(1))
        {
            failures.Add($"{InvalidationPrefix}{nameof(invalidation.SubscriptionLifetime)} must be between 3 seconds and 1 day (was {invalidation.SubscriptionLifetime}).");
        }

        if (invalidation.MaxEventBytes is < 64 or > 16 * 1024 * 1024)
        {
            failures.Add($"{InvalidationPrefix}{nameof(invalidation.MaxEventBytes)} must be between 64 and 16777216 (was {invalidation.MaxEventBytes}).");
        }

        if (invalidation.ResumeInterval < TimeSpan.FromMilliseconds(100) || invalidation.ResumeInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{InvalidationPrefix}{nameof(invalidation.ResumeInterval)} must be between 100 ms and 10 minutes (was {invalidation.ResumeInterval}).");
        }

        ValidateCdn(options.Cdn, failures);
        ValidateMembership(options.Membership, failures);
        if (options.Tls.Enabled)
        {
            TlsCredentials.Load(options.Tls, Prefix + nameof(options.Tls) + ":", requireCertificate: true, failures)?.Certificate?.Dispose();
        }

        if (!Enum.IsDefined(options.Clustering))
        {
            failures.Add($"{Prefix}{nameof(options.Clustering)} must be Auto or External (was {options.Clustering}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateCdn(CdnOptions cdn, List<string> failures)
    {
        const string CdnPrefix = Prefix + "Cdn:";
        static bool IsHttpUrl(string? value) =>
            Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

        if (cdn.Varnish.Url is { } varnish && !IsHttpUrl(varnish))
        {
            failures.Add($"{CdnPrefix}Varnish:Url must be an absolute http(s) URL (was '{varnish}').");
        }

        if ((cdn.Cloudflare.ZoneId is not null || cdn.Fastly.ServiceId is not null) && !IsHttpUrl(cdn.PublicBaseUrl))
        {
            failures.Add($"{CdnPrefix}PublicBaseUrl must be the absolute http(s) URL the CDN serves the HTTP API under when Cloudflare or Fastly is configured.");
        }

        if (cdn.Cloudflare.ZoneId is not null)
        {
            if (string.IsNullOrWhiteSpace(cdn.Cloudflare.ApiToken))
            {
                failures.Add($"{CdnPrefix}Cloudflare:ApiToken is required when Cloudflare:ZoneId is set.");
            }

            if (!IsHttpUrl(cdn.Cloudflare.ApiUrl))
            {
                failures.Add($"{CdnPrefix}Cloudflare:ApiUrl must be an absolute http(s) URL.");
            }

            if (!(cdn.Cloudflare.RequestsPerSecond > 0 && cdn.Cloudflare.RequestsPerSecond <= 1000))
            {
                failures.Add($"{CdnPrefix}Cloudflare:RequestsPerSecond must be greater than 0 and at most 1000 (was {cdn.Cloudflare.RequestsPerSecond}).");
            }
        }

        if (cdn.Fastly.ServiceId is not null)
        {
            if (string.IsNullOrWhiteSpace(cdn.Fastly.ApiToken))
            {
                failures.Add($"{CdnPrefix}Fastly:ApiToken is required when Fastly:ServiceId is set.");
            }

            if (!IsHttpUrl(cdn.Fastly.ApiUrl))
            {
                failures.Add($"{CdnPrefix}Fastly:ApiUrl must be an absolute http(s) URL.");
            }
        }

        if (cdn.MaxAttempts is < 1 or > 20)
        {
            failures.Add($"{CdnPrefix}MaxAttempts must be between 1 and 20 (was {cdn.MaxAttempts}).");
        }
    }

    private static void ValidateMembership(CacheClusterMembershipOptions membership, List<string> failures)
    {
        const string MembershipPrefix = Prefix + nameof(CacheClusterOptions.Membership) + ":";
        if (membership.ProbeTimeout < TimeSpan.FromMilliseconds(100) || membership.ProbeTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{MembershipPrefix}{nameof(membership.ProbeTimeout)} must be between 100 ms and 1 minute (was {membership.ProbeTimeout}).");
        }
        else if (membership.MaxProbeTimeout < membership.ProbeTimeout || membership.MaxProbeTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{MembershipPrefix}{nameof(membership.MaxProbeTimeout)} must be at least {nameof(membership.ProbeTimeout)} ({membership.ProbeTimeout}) and at most 5 minutes (was {membership.MaxProbeTimeout}).");
        }

        if (membership.NumMissedProbesLimit is < 1 or > 10)
        {
            failures.Add($"{MembershipPrefix}{nameof(membership.NumMissedProbesLimit)} must be between 1 and 10 (was {membership.NumMissedProbesLimit}).");
        }

        if (membership.NumVotesForDeathDeclaration is < 1 or > 10)
        {
            failures.Add($"{MembershipPrefix}{nameof(membership.NumVotesForDeathDeclaration)} must be between 1 and 10 (was {membership.NumVotesForDeathDeclaration}).");
        }

        CheckPeriod(failures, MembershipPrefix + nameof(membership.DeathVoteExpirationTimeout), membership.DeathVoteExpirationTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        CheckPeriod(failures, MembershipPrefix + nameof(membership.IAmAliveTablePublishTimeout), membership.IAmAliveTablePublishTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        CheckPeriod(failures, MembershipPrefix + nameof(membership.TableRefreshTimeout), membership.TableRefreshTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        if (membership.DeathVoteExpirationTimeout < membership.DetectionTime && membership.DeathVoteExpirationTimeout >= TimeSpan.FromSeconds(1))
        {
            failures.Add($"{MembershipPrefix}{nameof(membership.DeathVoteExpirationTimeout)} ({membership.DeathVoteExpirationTimeout}) must be at least {nameof(membership.MaxProbeTimeout)} × {nameof(membership.NumMissedProbesLimit)} ({membership.DetectionTime}), or votes expire before they add up.");
        }
    }

    private static void CheckPeriod(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key} must be between {min} and {max} (was {value}).");
        }
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
