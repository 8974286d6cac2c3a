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
    /// <summary>The most keys, tags or patterns one request may name, each.</summary>
    public const int MaxItems = 1000;

    /// <summary>The largest request body: 1 MiB.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/v1/invalidate", InvalidateAsync).WithMetadata(new RequiredScope(ApiScopes.Invalidate));

    private static async Task<IResult> InvalidateAsync(HttpContext context, CacheHttpApi api)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = MaxBodyBytes;
        }

        var request = await JsonSerializer.DeserializeAsync<InvalidateRequest>(context.Request.Body, Json, context.RequestAborted).ConfigureAwait(false)
            ?? throw new InvalidCacheRequestException("The body must be a JSON object {\"keys\":[],\"tags\":[],\"patterns\":[]}.");
        string[] keys = request.Keys ?? [], tags = request.Tags ?? [], patterns = request.Patterns ?? [];

        // Check everything before removing anything.
        if (keys.Length > MaxItems || tags.Length > MaxItems || patterns.Length > MaxItems)
        {
            throw new InvalidCacheRequestException($"One request names at most {MaxItems} keys, {MaxItems} tags and {MaxItems} patterns.");
        }

        foreach (var key in keys)
        {
            CacheKey.Validate(key, api.Cluster.MaxKeyBytes);
        }

        foreach (var tag in tags)
        {
            CacheKey.ValidateTag(tag);
        }

        foreach (var pattern in patterns)
        {
            if (CacheKeyPattern.Parse(pattern).MatchesEverything && !request.AllowAll)
            {
                throw new InvalidCacheOptionsException($"The pattern '{pattern}' clears every key; send \"allowAll\": true to do that.");
            }
        }

        var removedKeys = await Task.WhenAll(keys.Distinct(StringComparer.Ordinal).Select(key => api.Grains.GetGrain<ICacheEntryGrain>(key).DeleteAsync())).ConfigureAwait(false);
        var removedTagged = await Task.WhenAll(tags.Distinct(StringComparer.Ordinal).Select(tag => api.Grains.GetGrain<ITagGrain>(tag).InvalidateAsync())).ConfigureAwait(false);
        var removedMatching = await Task.WhenAll(patterns.Distinct(StringComparer.Ordinal).Select(pattern => api.Grains.InvalidatePatternAsync(pattern, request.AllowAll))).ConfigureAwait(false);

        // Subscribers (near caches, the CDN purger) hear about it through the stream; the removal itself is done.
        if (keys.Length + tags.Length + patterns.Length > 0)
        {
            try
            {
                await api.Grains.GetGrain<IInvalidationStreamGrain>(InvalidationPartitions.Of(keys, tags, patterns)).AnnounceAsync(keys, tags, patterns).ConfigureAwait(false);
            }
            catch (CacheClusterException)
            {
                // Subscribers that miss it see a gap or a lost subscription and flush.
            }
        }

        return TypedResults.Ok(new InvalidateResponse(removedKeys.Count(removed => removed) + removedTagged.Sum() + removedMatching.Sum()));
    }
}

/// <summary>The body of <c>POST /v1/invalidate</c>.</summary>
internal sealed record InvalidateRequest(string[]? Keys, string[]? Tags, string[]? Patterns, bool AllowAll);

/// <summary>The answer: how many entries were removed.</summary>
internal sealed record InvalidateResponse(long Invalidated);
