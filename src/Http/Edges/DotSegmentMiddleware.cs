using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace CacheCluster.Http.Edges;

/// <summary>
/// Refuses a request target with a dot segment (<c>.</c>, <c>..</c> or a percent-encoded form such as <c>%2e</c> or
/// <c>.%2E</c>) with 400 <c>invalid-request</c>. The server removes dot segments before routing while keys are read
/// from the raw target, so <c>PUT /v1/./cache/other</c> would otherwise route to one key and write another.
/// </summary>
internal sealed class DotSegmentMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        return raw is not null && HasDotSegment(raw)
            ? HttpProblems.Result(ProblemKind.InvalidRequest, "The request path has a '.' or '..' segment (or a percent-encoded one); send the path without it.").ExecuteAsync(context)
            : next(context);
    }

    /// <summary>Tells whether the path of a raw request target (before any <c>?</c>) has a dot segment.</summary>
    public static bool HasDotSegment(string rawTarget)
    {
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = (query < 0 ? rawTarget : rawTarget[..query]).AsSpan();
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment.Length is > 0 and <= 6 && IsDots(segment))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One or two dots, each written as <c>.</c> or <c>%2e</c> in either case.</summary>
    private static bool IsDots(ReadOnlySpan<char> segment)
    {
        var dots = 0;
        while (!segment.IsEmpty)
        {
            if (segment[0] == '.')
            {
                segment = segment[1..];
            }
            else if (segment.Length >= 3 && segment[0] == '%' && segment[1] == '2' && (segment[2] is 'e' or 'E'))
            {
                segment = segment[3..];
            }
            else
            {
                return false;
            }

            dots++;
        }

        return dots is 1 or 2;
    }
}
