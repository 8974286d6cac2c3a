using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace CacheCluster.Cli.Commands;

/// <summary>Options and arguments that take a duration in seconds, decimals allowed (<c>--ttl 1.5</c>).</summary>
internal static class Seconds
{
    public static Option<TimeSpan?> Option(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "SECONDS",
        CustomParser = result => Parse(name, result, allowZero: false),
    };

    /// <summary>A required <c>SECONDS</c> argument where 0 is allowed (Redis <c>EXPIRE key 0</c> removes the key).</summary>
    public static Argument<TimeSpan> Argument(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(name, result, allowZero: true) ?? TimeSpan.Zero,
    };

    private static TimeSpan? Parse(string name, ArgumentResult result, bool allowZero)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds))
        {
            result.AddError($"{name} must be a number of seconds, such as 30 or 1.5 (was '{text}').");
            return null;
        }

        if (seconds >= TimeSpan.MaxValue.TotalSeconds)
        {
            result.AddError($"{name} is too large (was '{text}').");
            return null;
        }

        var duration = TimeSpan.FromSeconds(seconds);
        if (duration < TimeSpan.Zero || (duration == TimeSpan.Zero && !allowZero))
        {
            result.AddError($"{name} must be greater than {(allowZero ? "or equal to " : string.Empty)}zero (was '{text}').");
            return null;
        }

        if (allowZero && duration > CacheEntryOptions.MaxTimeToLive)
        {
            result.AddError($"{name} must be at most {CacheEntryOptions.MaxTimeToLive.TotalSeconds:0} seconds ({CacheEntryOptions.MaxTimeToLive.TotalDays:0} days; was '{text}').");
            return null;
        }

        return duration;
    }
}
