using System.Text.Json;
using CacheCluster.Http.Auth;
using CacheCluster.Http.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace CacheCluster.Http.Invalidation;

/// <summary><c>POST /v1/invalidate</c>: removes keys, tagged entries and keys matching patterns, as the client's RemoveBy* do.</summary>
internal static class InvalidateEndpoint
{
    /// <summary>The largest request body: 1 MiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/v1/invalidate", InvalidateAsync).WithMetadata(new RequiredScope(ApiScopes.Invalidate), KeyPrefixesCheckedByEndpoint.Instance, CacheCluster.Http.Hosting.QueryParameters.None);

    private static async Task<IResult> InvalidateAsync(HttpContext context, CacheHttpApi api)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = MaxBodyBytes;
        }

        var request = await JsonSerializer.DeserializeAsync<InvalidateRequest>(context.Request.Body, Json, context.RequestAborted).ConfigureAwait(false)
            ?? throw new InvalidCacheRequestException("The body must be a JSON object {\"keys\":[],\"tags\":[],\"patterns\":[]}.");

        if (KeyPrefixRules.Refusal(context, request.Keys ?? [], request.Tags ?? [], request.Patterns ?? []) is { } refusal)
        {
            return CacheCluster.Http.Problems.HttpProblems.Result(CacheCluster.Http.Problems.ProblemKind.Forbidden, refusal);
        }

        // Checked (limits, keys, tags, patterns), removed and announced by the silo, as for the client's RemoveBy*.
        var invalidated = await api.Grains.GetGrain<IInvalidationPublisherGrain>(0)
            .InvalidateAsync(request.Keys ?? [], request.Tags ?? [], request.Patterns ?? [], request.AllowAll).ConfigureAwait(false);

        return TypedResults.Ok(new InvalidateResponse(invalidated));
    }
}

/// <summary>The body of <c>POST /v1/invalidate</c>.</summary>
internal sealed record InvalidateRequest(string[]? Keys, string[]? Tags, string[]? Patterns, bool AllowAll);

/// <summary>The answer: how many entries were removed.</summary>
internal sealed record InvalidateResponse(long Invalidated);
