using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CacheCluster.Http.Entries;

/// <summary>
/// Reads URL-encoded path segments (cache keys, rate-limit identifiers) from the raw request target, so that an
/// encoded slash (<c>%2F</c>) or percent sign in a key is decoded exactly once.
/// </summary>
internal static class RequestPath
{
    /// <summary>Returns segment <paramref name="index"/> (0 = the first after the leading slash), percent-decoded.</summary>
    public static string Segment(HttpContext context, int index) => Decode(RawSegment(context, index));

    /// <summary>
    /// Tells whether segment <paramref name="index"/> is spelt as <see cref="Uri.EscapeDataString(string)"/> spells its
    /// decoded text (RFC 3986 normal form: unreserved characters bare, everything else escaped in upper case), the one
    /// URL of a key (<see cref="CacheRoute.PathOf"/>).
    /// </summary>
    public static bool IsCanonical(HttpContext context, int index)
    {
        var raw = RawSegment(context, index);
        return string.Equals(raw, Uri.EscapeDataString(Decode(raw)), StringComparison.Ordinal);
    }

    private static string RawSegment(HttpContext context, int index)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            // Servers that give no origin-form target: the path as the server decoded it, re-encoded.
            raw = (context.Request.PathBase + context.Request.Path).ToUriComponent();
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? raw : raw[..query];
        var segments = path.Split('/');
        if (index + 1 >= segments.Length)
        {
            throw new HttpRequestHeaderException("The request path is missing a segment.");
        }

        return segments[index + 1];
    }

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Percent-decodes a segment into UTF-8 strictly: an escape that is not valid UTF-8 (<c>%FF</c>) is an error, not a
    /// replacement character, so two different byte sequences can never name the same key.
    /// </summary>
    private static string Decode(string segment)
    {
        if (!segment.Contains('%', StringComparison.Ordinal))
        {
            return segment;
        }

        var bytes = new List<byte>(segment.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c == '%' && i + 2 < segment.Length && Uri.IsHexDigit(segment[i + 1]) && Uri.IsHexDigit(segment[i + 2]))
            {
                bytes.Add((byte)((Uri.FromHex(segment[i + 1]) << 4) | Uri.FromHex(segment[i + 2])));
                i += 2;
            }
            else
            {
                var count = System.Text.Encoding.UTF8.GetBytes(segment.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < segment.Length ? 2 : 1), utf8);
                bytes.AddRange(utf8[..count]);
                if (count == 4)
                {
                    i++;
                }
            }
        }

        try
        {
            return StrictUtf8.GetString([.. bytes]);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new InvalidCacheKeyException("A path segment (key or identifier) is not valid UTF-8 once percent-decoded.");
        }
    }
}
