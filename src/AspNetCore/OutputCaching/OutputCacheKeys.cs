using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace CacheCluster.AspNetCore.OutputCaching;

/// <summary>
/// Maps the output caching middleware's keys to cluster keys. The middleware's keys hold the separators U+001E and
/// U+001F, which the cluster refuses in a key, and may be longer than the cluster's key limit (long query strings,
/// vary-by values), so each key is escaped, and hashed when the escaped form is too long.
/// </summary>
/// <remarks>
/// The mapping is injective: control characters, unpaired surrogates, <c>%</c> and <c>#</c> are written as
/// <c>%XX</c> (or <c>%uXXXX</c> for a surrogate), every other character as itself, after the prefix; a key whose escaped
/// form would be too long becomes the prefix, <c>#sha256:</c> and the SHA-256 of its UTF-16 code units in hex. An
/// escaped key never holds <c>#</c>, so the two forms cannot meet.
/// </remarks>
internal static class OutputCacheKeys
{
    /// <summary>The marker between the prefix and the hash of a key too long to store escaped.</summary>
    public const string HashMarker = "#sha256:";

    /// <summary>Returns the cluster key for the middleware's <paramref name="key"/>.</summary>
    /// <param name="key">The middleware's key.</param>
    /// <param name="maxKeyBytes">The longest cluster key, in UTF-8 bytes.</param>
    /// <returns>A key that starts with <see cref="Microsoft.Extensions.DependencyInjection.CacheClusterOutputCacheServiceCollectionExtensions.KeyPrefix"/>.</returns>
    public static string ToClusterKey(string key, int maxKeyBytes)
    {
        const string prefix = Microsoft.Extensions.DependencyInjection.CacheClusterOutputCacheServiceCollectionExtensions.KeyPrefix;
        var builder = new StringBuilder(prefix, prefix.Length + key.Length + 16);
        var bytes = Encoding.UTF8.GetByteCount(prefix);
        for (var i = 0; i < key.Length && bytes <= maxKeyBytes;)
        {
            if (Rune.DecodeFromUtf16(key.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                builder.Append("%u").Append(((int)key[i]).ToString("X4", CultureInfo.InvariantCulture));
                bytes += 6;
                i++;
                continue;
            }

            if (Rune.IsControl(rune) || rune.Value is '%' or '#')
            {
                builder.Append('%').Append(rune.Value.ToString("X2", CultureInfo.InvariantCulture));
                bytes += 3;
            }
            else
            {
                builder.Append(key, i, consumed);
                bytes += rune.Utf8SequenceLength;
            }

            i += consumed;
        }

        if (bytes <= maxKeyBytes)
        {
            return builder.ToString();
        }

        var hash = SHA256.HashData(MemoryMarshal.AsBytes(key.AsSpan()));
        return string.Concat(prefix, HashMarker, Convert.ToHexStringLower(hash));
    }
}
