using CacheCluster.Http.Entries;
using CacheCluster.Http.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CacheCluster.Http.Hosting;

/// <summary>
/// Cross-origin calls from browser pages, with ASP.NET Core's CORS middleware, when
/// <see cref="HttpCorsOptions.Origins"/> lists any: a preflight from an allowed origin is answered with the methods
/// the API has and the request headers it reads, and responses expose the headers a page needs to read. No
/// credentials mode: API keys travel in <c>Authorization</c>, which the page sets itself.
/// </summary>
internal static class HttpCors
{
    public const string PolicyName = "CacheCluster";

    /// <summary>The methods of the API's endpoints.</summary>
    public static readonly string[] Methods = [HttpMethods.Get, HttpMethods.Head, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Post, HttpMethods.Patch];

    /// <summary>The request headers the API reads (beyond the CORS-safelisted ones).</summary>
    public static readonly string[] RequestHeaders =
    [
        HeaderNames.Authorization, HeaderNames.ContentType, HeaderNames.CacheControl,
        HeaderNames.IfMatch, HeaderNames.IfNoneMatch, HeaderNames.IfModifiedSince, HeaderNames.IfUnmodifiedSince,
        EntryHeaders.CacheTag, EntryHeaders.CacheLease,
    ];

    /// <summary>The response headers a page may read (beyond the CORS-safelisted ones, such as Content-Type, Cache-Control and Last-Modified).</summary>
    public static readonly string[] ExposedHeaders =
    [
        HeaderNames.ETag, HeaderNames.Age, HeaderNames.Date, HeaderNames.Location, HeaderNames.RetryAfter, HeaderNames.WWWAuthenticate,
        EntryHeaders.CacheLease, EntryHeaders.CacheStatus, EntryHeaders.CacheTag,
        RateLimitEndpoint.RateLimitHeader, RateLimitEndpoint.PolicyHeader,
    ];

    /// <summary>How long a browser may reuse a preflight's answer.</summary>
    public static readonly TimeSpan PreflightMaxAge = TimeSpan.FromMinutes(10);

    public static void Add(IServiceCollection services, HttpCorsOptions options)
    {
        if (options.Origins.Count == 0)
        {
            return;
        }

        services.AddCors(cors => cors.AddPolicy(PolicyName, policy =>
        {
            if (options.Origins is ["*"])
            {
                policy.AllowAnyOrigin();
            }
            else
            {
                policy.WithOrigins([.. options.Origins]);
            }

            policy.WithMethods(Methods).WithHeaders(RequestHeaders).WithExposedHeaders(ExposedHeaders).SetPreflightMaxAge(PreflightMaxAge);
        }));
    }

    public static void Use(WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<CacheClusterHttpOptions>>().Value.Cors.Origins.Count > 0)
        {
            app.UseCors(PolicyName);
        }
    }
}
