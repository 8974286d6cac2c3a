using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>Checks <see cref="OperationsOptions"/>; each message names the configuration key at fault.</summary>
internal sealed class OperationsOptionsValidator : IValidateOptions<OperationsOptions>
{
    private const string SlowLog = CacheClusterOptions.SectionName + ":" + nameof(OperationsOptions.SlowLog) + ":";
    private const string HotKeys = CacheClusterOptions.SectionName + ":" + nameof(OperationsOptions.HotKeys) + ":";

    public ValidateOptionsResult Validate(string? name, OperationsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!double.IsFinite(options.SlowLog.ThresholdMs) || options.SlowLog.ThresholdMs < 0 || options.SlowLog.ThresholdMs > 3_600_000)
        {
            failures.Add($"{SlowLog}{nameof(SlowLogOptions.ThresholdMs)} must be between 0 and 3600000 milliseconds (was {options.SlowLog.ThresholdMs}).");
        }

        if (options.SlowLog.MaxLength is < 1 or > 10_000)
        {
            failures.Add($"{SlowLog}{nameof(SlowLogOptions.MaxLength)} must be between 1 and 10000 (was {options.SlowLog.MaxLength}).");
        }

        if (options.HotKeys.Capacity is < 1 or > 1_024)
        {
            failures.Add($"{HotKeys}{nameof(HotKeyOptions.Capacity)} must be between 1 and 1024 (was {options.HotKeys.Capacity}).");
        }

        if (options.HotKeys.HalfLife < TimeSpan.FromSeconds(1) || options.HotKeys.HalfLife > TimeSpan.FromDays(1))
        {
            failures.Add($"{HotKeys}{nameof(HotKeyOptions.HalfLife)} must be between 1 second and 1 day (was {options.HotKeys.HalfLife}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
