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
    public static string Segment(HttpContext context, int index)
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

        return Uri.UnescapeDataString(segments[index + 1]);
    }
}
