using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace CacheCluster.Cli.Commands;

/// <summary>Parsers for integer arguments with a lower bound.</summary>
/// <remarks>
/// A custom parser rather than a validator: System.CommandLine runs validators even when the value did not convert,
/// and reading the value there throws.
/// </remarks>
internal static class Numbers
{
    /// <summary>Parses the argument's token as an integer of at least <paramref name="minimum"/>, or reports an error.</summary>
    public static T AtLeast<T>(ArgumentResult result, string name, T minimum)
        where T : IBinaryInteger<T>
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (!T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name} must be an integer (was '{text}').");
            return minimum;
        }

        if (value < minimum)
        {
            result.AddError($"{name} must be at least {minimum} (was {value}).");
        }

        return value;
    }
}
