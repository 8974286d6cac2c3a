using CacheCluster.Invalidation;
using CacheCluster.Invalidation.Rules;
using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>Checks <see cref="InvalidationOptions"/> and compiles every rule; each message names the configuration key at fault.</summary>
internal sealed class InvalidationOptionsValidator : IValidateOptions<InvalidationOptions>
{
    /// <summary>The section the options are bound from.</summary>
    public const string SectionName = CacheClusterOptions.SectionName + ":Invalidation";

    private const string Prefix = SectionName + ":";

    public ValidateOptionsResult Validate(string? name, InvalidationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = InvalidationRuleSet.Validate(options).ToList();
        if (options.DuplicateWindow < TimeSpan.FromSeconds(1) || options.DuplicateWindow > TimeSpan.FromDays(7))
        {
            failures.Add($"{Prefix}{nameof(options.DuplicateWindow)} must be between 1 second and 7 days (was {options.DuplicateWindow}).");
        }

        if (options.SubscriptionLifetime < TimeSpan.FromSeconds(3) || options.SubscriptionLifetime > TimeSpan.FromDays(1))
        {
            failures.Add($"{Prefix}{nameof(options.SubscriptionLifetime)} must be between 3 seconds and 1 day (was {options.SubscriptionLifetime}).");
        }

        if (options.MaxEventBytes is < 64 or > 16 * 1024 * 1024)
        {
            failures.Add($"{Prefix}{nameof(options.MaxEventBytes)} must be between 64 and 16777216 (was {options.MaxEventBytes}).");
        }

        if (options.ResumeInterval < TimeSpan.FromMilliseconds(100) || options.ResumeInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{Prefix}{nameof(options.ResumeInterval)} must be between 100 ms and 10 minutes (was {options.ResumeInterval}).");
        }

        if (options.MaxPatternsPerRequest is < 1 or > InvalidationRemoval.MaxItems)
        {
            failures.Add($"{Prefix}{nameof(options.MaxPatternsPerRequest)} must be between 1 and {InvalidationRemoval.MaxItems} (was {options.MaxPatternsPerRequest}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
