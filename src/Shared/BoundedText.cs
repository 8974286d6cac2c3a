using System.Text;

namespace CacheCluster;

// Shared source, compiled into Grains.Abstractions (CacheKey) and Grains.Protocol (RateLimiterKey) as an internal
// type of each: one rule for keys, tags, policy names and identifiers without a public helper or InternalsVisibleTo.

/// <summary>The length and character rules every name the cache takes (key, tag, policy, identifier) follows.</summary>
internal static class BoundedText
{
    /// <summary>Returns why <paramref name="value"/> is not a usable name of at most <paramref name="maxBytes"/> UTF-8 bytes, or <see langword="null"/>.</summary>
    /// <param name="value">The key, tag, policy name or identifier.</param>
    /// <param name="maxBytes">The longest allowed value, in UTF-8 bytes.</param>
    /// <param name="what">What the value is, for the message: "key", "tag".</param>
    /// <returns>The problem, or <see langword="null"/> when the value is non-empty, not only whitespace, valid UTF-16, free of control characters and short enough.</returns>
    public static string? Check(string? value, int maxBytes, string what)
    {
        if (value is null)
        {
            return $"The {what} must not be null.";
        }

        if (value.Length == 0)
        {
            return $"The {what} must not be empty.";
        }

        // A UTF-8 byte count is at least the char count: reject huge inputs before scanning them.
        if (value.Length > maxBytes)
        {
            return $"The {what} is {value.Length} characters long; the limit is {maxBytes} bytes of UTF-8.";
        }

        // Orleans refuses a grain key made only of whitespace (string.IsNullOrWhiteSpace), so no surface may accept one.
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"The {what} must not be only whitespace.";
        }

        var bytes = 0;
        for (var i = 0; i < value.Length;)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return $"The {what} is not valid UTF-16: unpaired surrogate at index {i}.";
            }

            if (Rune.IsControl(rune))
            {
                return $"The {what} contains a control character (U+{rune.Value:X4}) at index {i}.";
            }

            bytes += rune.Utf8SequenceLength;
            i += consumed;
        }

        return bytes > maxBytes ? $"The {what} is {bytes} bytes of UTF-8; the limit is {maxBytes}." : null;
    }
}
