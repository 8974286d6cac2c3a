using System.Globalization;
using CacheCluster.Http.Auth;
using CacheCluster.Http.Hosting;
using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Http.Entries;

/// <summary>GET, HEAD, PUT and DELETE of <c>/v1/cache/{key}</c>, and <c>POST /v1/cache/{key}/increment</c>.</summary>
internal static class CacheEndpoints
{
    private const int KeySegment = 2;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(CacheRoute.Template, [HttpMethods.Get, HttpMethods.Head], GetAsync).WithMetadata(new RequiredScope(ApiScopes.Read), new QueryParameters("fill"));
        endpoints.MapPut(CacheRoute.Template, PutAsync).WithMetadata(new RequiredScope(ApiScopes.Write), new QueryParameters("ttl", "fresh", QueryDurability.Name));
        endpoints.MapDelete(CacheRoute.Template, DeleteAsync).WithMetadata(new RequiredScope(ApiScopes.Write), QueryParameters.None);
        endpoints.MapPost(CacheRoute.IncrementTemplate, IncrementAsync).WithMetadata(new RequiredScope(ApiScopes.Write), new QueryParameters("by"));
        ExpiryEndpoints.Map(endpoints);
        BatchEndpoint.Map(endpoints);
    }

    private static async Task<IResult> GetAsync(HttpContext context, CacheHttpApi api)
    {
        var key = RequestPath.Segment(context, KeySegment);
        var grain = api.Entry(key);
        if (!RequestPath.IsCanonical(context, KeySegment))
        {
            NotCanonical(context, key);
        }

        var preconditions = Preconditions.Parse(context.Request);
        var fill = context.Request.Query["fill"] is { Count: 1 } fillValue && fillValue[0] is "1" or "true";

        CacheReadResult entry;
        CacheLease? lease = null;
        if (fill)
        {
            // A fill lease obliges its holder to write: it needs the write scope, not just read.
            if (!ApiKeyIdentity.Allows(context, ApiScopes.Write))
            {
                return HttpProblems.Result(ProblemKind.Forbidden, "GET ?fill=1 can hand out a lease to write the key: it needs the 'write' scope.");
            }

            var waiters = context.RequestServices.GetRequiredService<LeaseWaiters>();
            var client = context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
            if (waiters.TryEnter(key, client) is { } limit)
            {
                EntryHeaders.SetNotStorable(context.Response);
                context.Response.Headers.RetryAfter = "1";
                return HttpProblems.Result(ProblemKind.TooManyWaiters, limit == "key"
                    ? $"Too many callers are waiting for this key's fill (at most {api.Http.MaxLeaseWaitersPerKey}); ask again, or GET without ?fill=1."
                    : $"This client has too many GET ?fill=1 calls waiting (at most {api.Http.MaxLeaseWaitersPerClient}); ask again.");
            }

            CacheLookup lookup;
            try
            {
                lookup = await grain.GetOrLeaseAsync(new CacheLeaseRequest { Wait = api.Http.LeaseWait, LeaseTimeout = api.Http.LeaseTimeout }).ConfigureAwait(false);
            }
            finally
            {
                waiters.Leave(key, client);
            }

            switch (lookup.Outcome)
            {
                case CacheLookupOutcome.Hit when lookup.Entry is { Found: true } hit:
                    entry = hit;
                    lease = lookup.Lease;
                    break;
                case CacheLookupOutcome.LeaseGranted when lookup.Lease is { } granted:
                    EntryHeaders.SetNotStorable(context.Response);
                    context.Response.Headers[EntryHeaders.CacheLease] = granted.Token.ToString(CultureInfo.InvariantCulture);
                    context.Response.Headers[EntryHeaders.CacheStatus] = EntryHeaders.MissStatus;
                    return HttpProblems.Result(ProblemKind.KeyNotFound, "The key has no value; this caller holds its fill lease: PUT the value with the Cache-Lease header.");
                case CacheLookupOutcome.WaitTimedOut:
                    EntryHeaders.SetNotStorable(context.Response);
                    context.Response.Headers.RetryAfter = "1";
                    return HttpProblems.Result(ProblemKind.FillPending, "Another caller holds the key's fill lease and has not written it yet; ask again.");
                default:
                    return NotFound(context);
            }
        }
        else
        {
            entry = await grain.GetAsync().ConfigureAwait(false);
            if (!entry.Found)
            {
                return NotFound(context);
            }
        }

        if (entry.Value is not { IsAbsent: false } value)
        {
            return NotFound(context);
        }

        var now = api.Clock.GetUtcNow();
        var response = context.Response;
        if (lease is { } refresh)
        {
            response.Headers[EntryHeaders.CacheLease] = refresh.Token.ToString(CultureInfo.InvariantCulture);
        }

        EntryHeaders.SetValidators(response, entry, now);
        if (lease is not null)
        {
            // The refresh lease is this caller's alone: no cache may store the response and hand the token on.
            EntryHeaders.SetNotStorable(response);
        }

        switch (preconditions.Evaluate(context.Request.Method, EntryHeaders.ETagOf(entry.Version), entry.LastModified))
        {
            case PreconditionOutcome.NotModified:
                return Results.StatusCode(StatusCodes.Status304NotModified);
            case PreconditionOutcome.Failed:
                return HttpProblems.Result(ProblemKind.PreconditionFailed, "The entry does not match the request's preconditions.");
        }

        EntryHeaders.SetRepresentationMetadata(response, entry, now, refreshLease: lease is not null);
        response.ContentType = value.ContentType ?? "application/octet-stream";
        response.ContentLength = value.Data.Length;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return Results.Empty;
        }

        await response.Body.WriteAsync(value.Data, context.RequestAborted).ConfigureAwait(false);
        return Results.Empty;
    }

    private static async Task<IResult> PutAsync(HttpContext context, CacheHttpApi api)
    {
        var key = RequestPath.Segment(context, KeySegment);
        var grain = api.Entry(key);
        var limit = api.Cluster.MaxValueBytes;

        // The size limit is checked before any of the body is read.
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            throw new CacheValueTooLargeException(declared, limit) { Key = CacheKey.Describe(key), Operation = "Set" };
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        var write = WriteRequest.Parse(context.Request);
        var preconditions = Preconditions.Parse(context.Request);
        if (write.LeaseToken is not null && preconditions.Any)
        {
            throw new HttpRequestHeaderException("A fill (Cache-Lease) cannot carry preconditions: the lease already guards the key.");
        }

        var value = new CacheValue(await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false), context.Request.ContentType);

        CacheWriteResult result;
        if (write.LeaseToken is { } token)
        {
            result = await grain.FillAsync(token, value, write.Options).ConfigureAwait(false);
            if (result.Outcome == CacheWriteOutcome.LeaseVoided)
            {
                return HttpProblems.Result(ProblemKind.LeaseVoided, "The lease no longer stands (the key was written, deleted or invalidated, or the lease expired); nothing was stored.");
            }
        }
        else
        {
            var condition = CacheWriteCondition.Always;
            if (preconditions.Any)
            {
                // Evaluate against the current entry, then write only if it is still that entry: atomic with the check.
                var current = await grain.GetInfoAsync().ConfigureAwait(false);
                var outcome = preconditions.Evaluate(context.Request.Method, current is null ? null : EntryHeaders.ETagOf(current.Version), current?.LastModified);
                if (outcome != PreconditionOutcome.Proceed)
                {
                    return PreconditionFailed(current);
                }

                condition = current is null ? CacheWriteCondition.IfNotExists : CacheWriteCondition.IfVersion(current.Version);
            }

            result = await grain.SetAsync(value, write.Options, condition).ConfigureAwait(false);
            if (!result.Written)
            {
                return PreconditionFailed(null);
            }
        }

        EntryHeaders.SetETag(context.Response, result.Version);
        if (result.Outcome == CacheWriteOutcome.Created)
        {
            context.Response.Headers.Location = CacheRoute.PathOf(key);
            return Results.StatusCode(StatusCodes.Status201Created);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, CacheHttpApi api)
    {
        var grain = api.Entry(RequestPath.Segment(context, KeySegment));
        return await grain.DeleteAsync().ConfigureAwait(false) ? Results.NoContent() : NotFound(context);
    }

    private static async Task<IResult> IncrementAsync(HttpContext context, CacheHttpApi api)
    {
        var grain = api.Entry(RequestPath.Segment(context, KeySegment));
        long by = 1;
        if (context.Request.Query.TryGetValue("by", out var values)
            && (values.Count != 1 || !long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out by)))
        {
            throw new InvalidCacheOptionsException($"?by= must be one 64-bit integer (was '{values}').");
        }

        var result = await grain.IncrementAsync(by, options: null).ConfigureAwait(false);
        EntryHeaders.SetETag(context.Response, result.Version);
        return TypedResults.Ok(new IncrementResponse(result.Value));
    }

    /// <summary>
    /// A read of a key through another spelling of its URL (<c>user:1</c> for <c>user%3A1</c>, <c>%7e</c> for
    /// <c>~</c>) is answered but marked <c>no-store</c>, with <c>Link: rel="canonical"</c>: a CDN then stores each entry
    /// only under <see cref="CacheRoute.PathOf"/>, the URL a purge names.
    /// </summary>
    private static void NotCanonical(HttpContext context, string key) => context.Response.OnStarting(() =>
    {
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.Expires);
        headers.Link = $"<{CacheRoute.PathOf(key)}>; rel=\"canonical\"";
        return Task.CompletedTask;
    });

    internal static IResult NotFound(HttpContext context)
    {
        EntryHeaders.SetNotFound(context.Response, context.RequestServices.GetRequiredService<CacheHttpApi>().Http.NotFoundMaxAge);
        return HttpProblems.Result(ProblemKind.KeyNotFound, "The key does not exist.");
    }

    private static IResult PreconditionFailed(CacheEntryInfo? current) =>
        HttpProblems.Result(ProblemKind.PreconditionFailed, current is null
            ? "The request's preconditions do not hold for the key; nothing was written."
            : "The entry does not match the request's preconditions; nothing was written.");
}

/// <summary>The answer to an increment.</summary>
/// <param name="Value">The new value.</param>
internal sealed record IncrementResponse(long Value);
