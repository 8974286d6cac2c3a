using System.Buffers.Text;

namespace CacheCluster.Entries;

/// <summary>The canonical decimal form of a 64-bit integer, as Redis' INCRBY reads and writes it.</summary>
internal static class Int64Text
{
    /// <summary>Parses <paramref name="utf8"/> only when it is exactly how <see cref="Format"/> would write the number.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out long value)
    {
        value = 0;
        if (utf8.Length is 0 or > 20 || !Utf8Parser.TryParse(utf8, out value, out var consumed) || consumed != utf8.Length)
        {
            return false;
        }

        // Reject forms Redis rejects: "+1", "01", "-0".
        Span<byte> canonical = stackalloc byte[20];
        return Utf8Formatter.TryFormat(value, canonical, out var written) && canonical[..written].SequenceEqual(utf8);
    }

    public static byte[] Format(long value)
    {
        Span<byte> buffer = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, buffer, out var written);
        return buffer[..written].ToArray();
    }
}
