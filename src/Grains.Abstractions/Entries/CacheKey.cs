using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace CacheCluster;

/// <summary>Validation of cache keys and tags, shared by the client, the HTTP API and the grains.</summary>
public static class CacheKey
{
    /// <summary>The default limit on a key's length, in UTF-8 bytes.</summary>
    public const int DefaultMaxKeyBytes = 1024;

    /// <summary>Throws <see cref="InvalidCacheKeyException"/> unless <paramref name="key"/> is usable as a cache key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="maxKeyBytes">The longest allowed key, in UTF-8 bytes.</param>
    /// <exception cref="InvalidCacheKeyException">The key is null, empty, only whitespace, too long, not valid UTF-16, or holds a control character.</exception>
    public static void Validate(string? key, int maxKeyBytes = DefaultMaxKeyBytes)
    {
        if (BoundedText.Check(key, maxKeyBytes, "key") is { } problem)
        {
            throw new InvalidCacheKeyException(problem) { Key = Describe(key) };
        }
    }

    /// <summary>The longest content type accepted, in characters.</summary>
    public const int MaxContentTypeLength = 256;

    /// <summary>
    /// Throws <see cref="InvalidCacheOptionsException"/> unless <paramref name="tag"/> is usable as a tag: 1 to
    /// <see cref="CacheEntryOptions.MaxTagBytes"/> characters, each an RFC 9110 token character (letters, digits and
    /// <c>!#$%&amp;'*+-.^_`|~</c>) or <c>:</c> or <c>/</c>. No spaces, commas, quotes or non-ASCII characters: CDNs split
    /// tag headers on them, and an entry's tags go out in its <c>Cache-Tag</c> header.
    /// </summary>
    /// <param name="tag">The tag.</param>
    /// <exception cref="InvalidCacheOptionsException">The tag is null, empty, too long, or holds a character outside the set.</exception>
    public static void ValidateTag(string? tag)
    {
        if (BoundedText.Check(tag, CacheEntryOptions.MaxTagBytes, "tag") is { } problem)
        {
            throw new InvalidCacheOptionsException(problem);
        }

        foreach (var c in tag!)
        {
            if (!HeaderGrammar.IsTagChar(c))
            {
                throw new InvalidCacheOptionsException(
                    $"A tag holds only letters, digits and !#$%&'*+-.^_`|~:/ (tag {Describe(tag)} holds {DescribeChar(c)}).");
            }
        }
    }

    /// <summary>
    /// Throws <see cref="InvalidCacheRequestException"/> unless <paramref name="contentType"/> is an RFC 9110 media type
    /// in ASCII (<c>type/subtype</c>, then <c>; name=value</c> parameters with token or quoted-string values), at most
    /// <see cref="MaxContentTypeLength"/> characters. <see langword="null"/> (no content type) is valid.
    /// </summary>
    /// <param name="contentType">The content type, or <see langword="null"/>.</param>
    /// <exception cref="InvalidCacheRequestException">The content type is empty, too long, or not a media type.</exception>
    public static void ValidateContentType(string? contentType)
    {
        if (contentType is null)
        {
            return;
        }

        if (contentType.Length is 0 or > MaxContentTypeLength || !HeaderGrammar.IsMediaType(contentType))
        {
            throw new InvalidCacheRequestException(
                $"The content type must be an ASCII media type such as 'text/plain; charset=utf-8', 1 to {MaxContentTypeLength} characters (was {Describe(contentType)}).");
        }
    }

    /// <summary>Returns a stable 64-bit hash of the key in hex, for logs: keys may hold personal data and are never logged.</summary>
    /// <param name="key">The key.</param>
    /// <returns>16 hex digits.</returns>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(key)).ToString("x16", CultureInfo.InvariantCulture);
    }

    private static string DescribeChar(char c) =>
        c is >= '!' and <= '~' ? $"'{c}'" : $"U+{(int)c:X4}";

    /// <summary>Returns a short, log-safe rendering of a possibly huge or hostile key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>At most 64 characters, with control characters escaped.</returns>
    public static string Describe(string? key)
    {
        if (key is null)
        {
            return "(null)";
        }

        var builder = new StringBuilder(Math.Min(key.Length, 64) + 16);
        builder.Append('"');
        foreach (var c in key.AsSpan(0, Math.Min(key.Length, 64)))
        {
            if (char.IsControl(c) || char.IsSurrogate(c))
            {
                builder.Append($"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        builder.Append('"');
        if (key.Length > 64)
        {
            builder.Append($"… ({key.Length} chars)");
        }

        return builder.ToString();
    }
}
