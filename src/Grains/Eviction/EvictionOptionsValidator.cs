using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>Checks <see cref="EvictionOptions"/>; each message names the configuration key at fault.</summary>
internal sealed class EvictionOptionsValidator : IValidateOptions<EvictionOptions>
{
    private const string Prefix = CacheClusterOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, EvictionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.EntryIdleTimeout < TimeSpan.FromSeconds(10) || options.EntryIdleTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"{Prefix}{nameof(options.EntryIdleTimeout)} must be between 10 seconds and 1 day (was {options.EntryIdleTimeout}).");
        }

        if (options.MaxMemoryMB is < EvictionOptions.MinMaxMemoryMB or > EvictionOptions.MaxMaxMemoryMB)
        {
            failures.Add($"{Prefix}{nameof(options.MaxMemoryMB)} must be between {EvictionOptions.MinMaxMemoryMB} and {EvictionOptions.MaxMaxMemoryMB} (MiB), or unset for no bound (was {options.MaxMemoryMB}).");
        }

        if (options.MaxEntries is < 1)
        {
            failures.Add($"{Prefix}{nameof(options.MaxEntries)} must be at least 1, or unset for no limit (was {options.MaxEntries}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
