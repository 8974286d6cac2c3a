using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>
/// Checks <see cref="NearCacheOptions"/>; each message names the configuration key at fault. The bounds keep the near
/// cache working: it must hold at least one entry (a negative count would make eviction spin), and a copy's lifetime
/// must be positive and small enough to add to any date.
/// </summary>
internal sealed class NearCacheOptionsValidator : IValidateOptions<NearCacheOptions>
{
    /// <summary>The section the options are bound from.</summary>
    public const string SectionName = CacheClusterClientOptions.SectionName + ":" + nameof(CacheClusterClientOptions.NearCache);

    /// <summary>The least <see cref="NearCacheOptions.MaxBytes"/>: a few entries with their overhead.</summary>
    public const long MinMaxBytes = 1024;

    /// <summary>The longest <see cref="NearCacheOptions.MaxTimeToLive"/>.</summary>
    public static readonly TimeSpan MaxMaxTimeToLive = TimeSpan.FromDays(1);

    private const string Prefix = SectionName + ":";

    public ValidateOptionsResult Validate(string? name, NearCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxEntries < 1)
        {
            failures.Add($"{Prefix}{nameof(options.MaxEntries)} must be at least 1 (was {options.MaxEntries}).");
        }

        if (options.MaxBytes < MinMaxBytes)
        {
            failures.Add($"{Prefix}{nameof(options.MaxBytes)} must be at least {MinMaxBytes} (was {options.MaxBytes}).");
        }

        if (options.MaxTimeToLive <= TimeSpan.Zero || options.MaxTimeToLive > MaxMaxTimeToLive)
        {
            failures.Add($"{Prefix}{nameof(options.MaxTimeToLive)} must be greater than zero and at most 1 day (was {options.MaxTimeToLive}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
