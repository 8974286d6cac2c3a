using CacheCluster.Http.Auth;
using CacheCluster.Http.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CacheCluster.Http.Entries;

/// <summary>
/// <c>POST</c>/<c>PATCH /v1/cache/{key}/expire?ttl=SECONDS</c>, <c>POST /v1/cache/{key}/persist</c> and
/// <c>POST /v1/cache/{key}/touch</c>: the entry's expiry changed without rewriting it, each a versioned write.
/// 204 when the key exists, a 404 problem when it does not.
/// </summary>
internal static class ExpiryEndpoints
{
    private const int KeySegment = 2;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(CacheRoute.ExpireTemplate, [HttpMethods.Post, HttpMethods.Patch], ExpireAsync).WithMetadata(new RequiredScope(ApiScopes.Write), new QueryParameters("ttl"));
        endpoints.MapPost(CacheRoute.PersistTemplate, PersistAsync).WithMetadata(new RequiredScope(ApiScopes.Write), QueryParameters.None);
        endpoints.MapPost(CacheRoute.TouchTemplate, TouchAsync).WithMetadata(new RequiredScope(ApiScopes.Write), QueryParameters.None);
    }

    private static async Task<IResult> ExpireAsync(HttpContext context, CacheHttpApi api)
    {
        var grain = api.Entry(RequestPath.Segment(context, KeySegment));

        // Checked before the call: a bad ?ttl= never reaches the entry. ?ttl=0 removes the key, as Redis EXPIRE does.
        var timeToLive = QuerySeconds.Require(context.Request, "ttl");
        return await grain.ExpireAsync(timeToLive).ConfigureAwait(false) ? Results.NoContent() : CacheEndpoints.NotFound(context);
    }

    private static async Task<IResult> PersistAsync(HttpContext context, CacheHttpApi api)
    {
        var grain = api.Entry(RequestPath.Segment(context, KeySegment));

        // False means missing or without expiry; a key without expiry already is what was asked for: 204 as well.
        return await grain.PersistAsync().ConfigureAwait(false) || await grain.ExistsAsync().ConfigureAwait(false)
            ? Results.NoContent()
            : CacheEndpoints.NotFound(context);
    }

    private static async Task<IResult> TouchAsync(HttpContext context, CacheHttpApi api)
    {
        var grain = api.Entry(RequestPath.Segment(context, KeySegment));
        return await grain.TouchAsync().ConfigureAwait(false) ? Results.NoContent() : CacheEndpoints.NotFound(context);
    }
}
