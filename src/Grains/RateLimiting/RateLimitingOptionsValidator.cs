using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>Checks <see cref="RateLimitingOptions"/> and every policy; each message names the configuration key at fault.</summary>
internal sealed class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>
{
    private const string Prefix = CacheClusterOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, RateLimitingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.RateLimitCheckpointInterval < TimeSpan.Zero || options.RateLimitCheckpointInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Prefix}{nameof(options.RateLimitCheckpointInterval)} must be between 0 and 10 minutes (was {options.RateLimitCheckpointInterval}).");
        }

        foreach (var (policyName, policy) in options.RateLimits)
        {
            failures.AddRange(policy.Validate(policyName));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
