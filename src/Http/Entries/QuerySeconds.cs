using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace CacheCluster.Http.Entries;

/// <summary>
/// A duration in seconds from the query string, decimals allowed (<c>?ttl=1.5</c>), read the way the CLI reads
/// <c>--ttl 1.5</c>: one finite, non-negative number of seconds, at most <see cref="CacheEntryOptions.MaxTimeToLive"/>.
/// Anything else is an <see cref="InvalidCacheOptionsException"/> (400 <c>invalid-options</c>) naming the parameter.
/// </summary>
internal static class QuerySeconds
{
    /// <summary>Reads <c>?{name}=</c>; <see langword="null"/> when absent.</summary>
    public static TimeSpan? Read(HttpRequest request, string name)
    {
        if (!request.Query.TryGetValue(name, out var values))
        {
            return null;
        }

        var text = values.Count == 1 ? values[0] : null;
        if (!double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds))
        {
            throw new InvalidCacheOptionsException($"?{name}= must be one non-negative number of seconds, such as 30 or 1.5 (was '{values}').");
        }

        if (seconds > CacheEntryOptions.MaxTimeToLive.TotalSeconds)
        {
            throw new InvalidCacheOptionsException(
                $"?{name}= must be at most {CacheEntryOptions.MaxTimeToLive.TotalSeconds:0} seconds ({CacheEntryOptions.MaxTimeToLive.TotalDays:0} days; was '{values}').");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Reads <c>?{name}=</c>, which must be present.</summary>
    public static TimeSpan Require(HttpRequest request, string name) =>
        Read(request, name) ?? throw new InvalidCacheOptionsException($"?{name}= is required: the new time to live in seconds, such as 30 or 1.5.");
}
