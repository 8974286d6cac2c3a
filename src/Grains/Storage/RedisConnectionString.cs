using System.Text.RegularExpressions;

namespace CacheCluster.Storage;

/// <summary>Keeps Redis passwords out of messages and logs.</summary>
internal static partial class RedisConnectionString
{
    public static string Redact(string text) => PasswordPattern().Replace(text, "$1=*****");

    [GeneratedRegex("(password|user)=[^,]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPattern();
}
