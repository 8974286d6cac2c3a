using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>Checks <see cref="CacheClusterMembershipOptions"/>; each message names the configuration key at fault.</summary>
internal sealed class CacheClusterMembershipOptionsValidator : IValidateOptions<CacheClusterMembershipOptions>
{
    /// <summary>The section the options are bound from.</summary>
    public const string SectionName = CacheClusterOptions.SectionName + ":Membership";

    private const string Prefix = SectionName + ":";

    public ValidateOptionsResult Validate(string? name, CacheClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ProbeTimeout < TimeSpan.FromMilliseconds(100) || options.ProbeTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{Prefix}{nameof(options.ProbeTimeout)} must be between 100 ms and 1 minute (was {options.ProbeTimeout}).");
        }
        else if (options.MaxProbeTimeout < options.ProbeTimeout || options.MaxProbeTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{Prefix}{nameof(options.MaxProbeTimeout)} must be at least {nameof(options.ProbeTimeout)} ({options.ProbeTimeout}) and at most 5 minutes (was {options.MaxProbeTimeout}).");
        }

        if (options.NumMissedProbesLimit is < 1 or > 10)
        {
            failures.Add($"{Prefix}{nameof(options.NumMissedProbesLimit)} must be between 1 and 10 (was {options.NumMissedProbesLimit}).");
        }

        if (options.NumVotesForDeathDeclaration is < 1 or > 10)
        {
            failures.Add($"{Prefix}{nameof(options.NumVotesForDeathDeclaration)} must be between 1 and 10 (was {options.NumVotesForDeathDeclaration}).");
        }

        CheckPeriod(failures, nameof(options.DeathVoteExpirationTimeout), options.DeathVoteExpirationTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        CheckPeriod(failures, nameof(options.IAmAliveTablePublishTimeout), options.IAmAliveTablePublishTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        CheckPeriod(failures, nameof(options.TableRefreshTimeout), options.TableRefreshTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        if (options.DeathVoteExpirationTimeout < options.DetectionTime && options.DeathVoteExpirationTimeout >= TimeSpan.FromSeconds(1))
        {
            failures.Add($"{Prefix}{nameof(options.DeathVoteExpirationTimeout)} ({options.DeathVoteExpirationTimeout}) must be at least {nameof(options.MaxProbeTimeout)} × {nameof(options.NumMissedProbesLimit)} ({options.DetectionTime}), or votes expire before they add up.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckPeriod(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Prefix}{key} must be between {min} and {max} (was {value}).");
        }
    }
}
