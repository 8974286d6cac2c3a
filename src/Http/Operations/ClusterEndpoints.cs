using System.Globalization;
using CacheCluster.Http.Auth;
using CacheCluster.Http.Hosting;
using CacheCluster.Operations;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CacheCluster.Http.Operations;

/// <summary>
/// The operator's view, admin scope only: <c>GET /v1/cluster</c> (every silo and the totals),
/// <c>GET /v1/cluster/hotkeys?count=N</c> (the hottest keys, merged across silos) and
/// <c>GET /v1/cluster/slowlog?count=N</c> (the most recent slow operations of every silo).
/// </summary>
internal static class ClusterEndpoints
{
    public const int DefaultHotKeys = 10;
    public const int MaxHotKeys = 1_000;
    public const int DefaultSlowLog = 32;
    public const int MaxSlowLog = 10_000;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var admin = new RequiredScope(ApiScopes.Admin);
        endpoints.MapGet("/v1/cluster", GetStatusAsync).WithMetadata(admin, QueryParameters.None);
        endpoints.MapGet("/v1/cluster/hotkeys", GetHotKeysAsync).WithMetadata(admin, new QueryParameters("count"));
        endpoints.MapGet("/v1/cluster/slowlog", GetSlowLogAsync).WithMetadata(admin, new QueryParameters("count"));
    }

    private static async Task<IResult> GetStatusAsync(ClusterOperations operations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await operations.GetStatusAsync(cancellationToken).ConfigureAwait(false));

    private static async Task<IResult> GetHotKeysAsync(HttpContext context, ClusterOperations operations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await operations.GetHotKeysAsync(Count(context, DefaultHotKeys, MaxHotKeys), cancellationToken).ConfigureAwait(false));

    private static async Task<IResult> GetSlowLogAsync(HttpContext context, ClusterOperations operations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await operations.GetSlowLogAsync(Count(context, DefaultSlowLog, MaxSlowLog), cancellationToken).ConfigureAwait(false));

    private static int Count(HttpContext context, int defaultCount, int maxCount)
    {
        if (!context.Request.Query.TryGetValue("count", out var values))
        {
            return defaultCount;
        }

        if (values.Count != 1 || !int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > maxCount)
        {
            throw new InvalidCacheRequestException($"?count= must be one whole number from 1 to {maxCount} (was '{values}').");
        }

        return count;
    }
}
