using System.IO.Hashing;
using System.Text;

namespace CacheCluster.Diagnostics;

/// <summary>A short, stable hash of a key for logs: keys may hold personal data and are never logged.</summary>
internal static class CacheKeyHash
{
    public static string Of(string key) => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
