using System.Globalization;
using System.Text;
using CacheCluster.Http.Auth;
using CacheCluster.Http.Entries;
using CacheCluster.Http.Hosting;
using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CacheCluster.Http.RateLimiting;

/// <summary>
/// <c>POST /v1/ratelimit/{policy}/{identifier}?permits=N</c>: 200 or 429, with the <c>RateLimit-Policy</c> and
/// <c>RateLimit</c> fields of the IETF httpapi ratelimit-headers draft, and <c>Retry-After</c> on 429.
/// </summary>
internal static class RateLimitEndpoint
{
    public const string PolicyHeader = "RateLimit-Policy";
    public const string RateLimitHeader = "RateLimit";

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/v1/ratelimit/{policy}/{identifier}", AcquireAsync).WithMetadata(new RequiredScope(ApiScopes.RateLimit), new CacheCluster.Http.Hosting.QueryParameters("permits"));

    private static async Task<IResult> AcquireAsync(HttpContext context, CacheHttpApi api)
    {
        var policy = RequestPath.Segment(context, 2);
        var identifier = RequestPath.Segment(context, 3);
        var permits = 1;
        if (context.Request.Query.TryGetValue("permits", out var values)
            && (values.Count != 1 || !int.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out permits)))
        {
            throw new InvalidRateLimitRequestException($"?permits= must be one integer (was '{values}').");
        }

        var decision = await api.Grains.GetGrain<IRateLimiterGrain>(RateLimiterKey.For(policy, identifier)).AcquireAsync(permits).ConfigureAwait(false);
        var name = SfString(policy);
        var headers = context.Response.Headers;
        headers[PolicyHeader] = decision.WindowSeconds > 0
            ? Invariant($"{name};q={decision.Limit};w={decision.WindowSeconds}")
            : Invariant($"{name};q={decision.Limit}");

        // t: when more quota comes. Refused: when the permits asked for would be granted (so Retry-After = t).
        var until = decision.Allowed ? decision.ResetAfter : decision.RetryAfter;
        var seconds = (long)Math.Ceiling(Math.Max(until.TotalSeconds, 0));
        headers[RateLimitHeader] = Invariant($"{name};r={decision.Remaining};t={seconds}");

        var body = new RateLimitResponse(decision.Allowed, decision.Limit, decision.Remaining, decision.RetryAfter.TotalSeconds, decision.ResetAfter.TotalSeconds, decision.ShadowLimited, decision.Degraded);
        if (decision.Allowed)
        {
            return TypedResults.Ok(body);
        }

        headers.RetryAfter = Math.Max(seconds, 1).ToString(CultureInfo.InvariantCulture);
        return HttpProblems.Result(
            ProblemKind.RateLimited,
            decision.Degraded
                ? $"The '{policy}' limiter's store is unreachable and the policy fails closed; retry after {Math.Max(seconds, 1)} s."
                : $"The '{policy}' limit is reached for this identifier; retry after {Math.Max(seconds, 1)} s.",
            new Dictionary<string, object?>
            {
                ["limit"] = decision.Limit,
                ["remaining"] = decision.Remaining,
                ["retryAfter"] = decision.RetryAfter.TotalSeconds,
                ["degraded"] = decision.Degraded,
            });
    }

    /// <summary>A Structured Field String: printable ASCII in quotes, with <c>"</c> and <c>\</c> escaped.</summary>
    private static string SfString(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '"' or '\\' => $"\\{c}",
                < ' ' or > '~' => "?",
                _ => c.ToString(),
            });
        }

        return builder.Append('"').ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The decision, as JSON.</summary>
/// <remarks><c>Degraded</c>: the limiter's store was unreachable and the policy's failure mode decided.</remarks>
internal sealed record RateLimitResponse(bool Allowed, long Limit, long Remaining, double RetryAfterSeconds, double ResetAfterSeconds, bool ShadowLimited, bool Degraded);
