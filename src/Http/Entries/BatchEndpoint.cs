using System.Text;
using System.Text.Json;
using CacheCluster.Http.Auth;
using CacheCluster.Http.Hosting;
using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace CacheCluster.Http.Entries;

/// <summary>
/// <c>POST /v1/cache/_batch</c>: many gets, sets and deletes in one request. The gets, the sets and the deletes each
/// go to the silo's batch grain in one call, which calls every key's entry at once; the answer is a JSON array in the
/// order of the operations. One bad operation (a bad key, a missing scope, a value too large) fails alone with its
/// problem type; a body that is not a JSON array of at most <see cref="ICacheBatchGrain.MaxKeys"/> items is a 400.
/// The operations of one batch run concurrently: two on the same key have no defined order.
/// </summary>
internal static class BatchEndpoint
{
    /// <summary>The route of a batch; a key named <c>_batch</c> is still read and written at its own URL, which has no POST.</summary>
    public const string Route = CacheRoute.Prefix + "_batch";

    /// <summary>The smallest body limit; the limit is twice the largest value when that is more.</summary>
    private const int MinBodyBytes = 16 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost(Route, PostAsync).WithMetadata(new RequiredScope(ApiScopes.Read) { OrScope = ApiScopes.Write }, QueryParameters.None, CacheCluster.Http.Edges.JsonBody.Instance);

    private static async Task PostAsync(HttpContext context, CacheHttpApi api)
    {
        var limit = (int)Math.Min(int.MaxValue, Math.Max(MinBodyBytes, 2L * api.Cluster.MaxValueBytes));
        if (context.Request.ContentLength is { } declared && declared > limit)
        {
            throw new CacheValueTooLargeException(declared, limit) { Operation = "Batch" };
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        using var body = JsonDocument.Parse(await RequestBody.ReadAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false));
        if (body.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidCacheRequestException("A batch is a JSON array of operations such as [{\"op\": \"get\", \"key\": \"k\"}].");
        }

        var count = body.RootElement.GetArrayLength();
        if (count > ICacheBatchGrain.MaxKeys)
        {
            throw new InvalidCacheRequestException($"A batch takes at most {ICacheBatchGrain.MaxKeys} operations (was {count}).");
        }

        var operations = body.RootElement.EnumerateArray().Select(item => Allowed(context, BatchOperation.Parse(item, api.Cluster.MaxKeyBytes))).ToArray();
        var answers = await RunAsync(api.Grains.GetGrain<ICacheBatchGrain>(0), operations).ConfigureAwait(false);

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        EntryHeaders.SetNotStorable(context.Response);
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartArray();
        for (var i = 0; i < operations.Length; i++)
        {
            Write(writer, operations[i], answers[i]);
        }

        writer.WriteEndArray();
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>An operation the caller's API key has no scope for fails alone with 403.</summary>
    private static BatchOperation Allowed(HttpContext context, BatchOperation operation)
    {
        if (operation.Error is not null)
        {
            return operation;
        }

        var scope = operation.Op == "get" ? ApiScopes.Read : ApiScopes.Write;
        return ApiKeyIdentity.Allows(context, scope) ? operation : operation.WithError(new ForbiddenOperationException(scope));
    }

    /// <summary>At most three calls, made together: the gets, the sets and the deletes.</summary>
    private static async Task<object?[]> RunAsync(ICacheBatchGrain batch, BatchOperation[] operations)
    {
        var answers = new object?[operations.Length];
        int[] Indexes(string op) => [.. Enumerable.Range(0, operations.Length).Where(i => operations[i].Error is null && operations[i].Op == op)];
        var gets = Indexes("get");
        var sets = Indexes("set");
        var dels = Indexes("del");
        var getCall = gets.Length == 0 ? null : batch.GetManyAsync([.. gets.Select(i => operations[i].Key)], tracker: null);
        var setCall = sets.Length == 0 ? null : batch.SetManyAsync([.. sets.Select(i => new CacheBatchWrite(operations[i].Key, operations[i].Value!, operations[i].Options))]);
        var delCall = dels.Length == 0 ? null : batch.RemoveManyAsync([.. dels.Select(i => operations[i].Key)]);
        Place(gets, getCall is null ? null : await getCall.ConfigureAwait(false));
        Place(sets, setCall is null ? null : await setCall.ConfigureAwait(false));
        Place(dels, delCall is null ? null : await delCall.ConfigureAwait(false));
        return answers;

        void Place<T>(int[] indexes, CacheBatchAnswer<T>[]? results)
        {
            for (var j = 0; results is not null && j < indexes.Length; j++)
            {
                answers[indexes[j]] = results[j];
            }
        }
    }

    private static void Write(Utf8JsonWriter writer, BatchOperation operation, object? answer)
    {
        writer.WriteStartObject();
        var error = operation.Error ?? answer switch
        {
            CacheBatchAnswer<CacheTrackedRead> read => read.Error,
            CacheBatchAnswer<CacheWriteResult> write => write.Error,
            CacheBatchAnswer<bool> removed => removed.Error,
            _ => null,
        };

        if (error is not null)
        {
            WriteProblem(writer, error is ForbiddenOperationException ? ProblemKind.Forbidden : HttpProblems.KindOf(error), error);
        }
        else if (answer is CacheBatchAnswer<CacheTrackedRead> { Result.Result: { Found: true, Value: { IsAbsent: false } value } entry })
        {
            writer.WriteNumber("status", StatusCodes.Status200OK);
            if (IsText(value))
            {
                writer.WriteString("value", Encoding.UTF8.GetString(value.Data));
            }
            else
            {
                writer.WriteBase64String("valueBase64", value.Data);
            }

            writer.WriteString("etag", EntryHeaders.ETagOf(entry.Version).ToString());
        }
        else if (answer is CacheBatchAnswer<CacheWriteResult> { Result: { } written })
        {
            writer.WriteNumber("status", written.Outcome == CacheWriteOutcome.Created ? StatusCodes.Status201Created : StatusCodes.Status204NoContent);
            writer.WriteString("etag", EntryHeaders.ETagOf(written.Version).ToString());
        }
        else if (answer is CacheBatchAnswer<bool> { Result: true })
        {
            writer.WriteNumber("status", StatusCodes.Status204NoContent);
        }
        else
        {
            WriteProblem(writer, ProblemKind.KeyNotFound, detail: "The key does not exist.");
        }

        writer.WriteEndObject();
    }

    private static void WriteProblem(Utf8JsonWriter writer, ProblemKind kind, Exception error) =>
        WriteProblem(writer, kind, kind == ProblemKind.Internal ? "The operation failed; the silo's log has the details." : ClusterFailure.FirstLine(error.Message));

    private static void WriteProblem(Utf8JsonWriter writer, ProblemKind kind, string detail)
    {
        writer.WriteNumber("status", kind.Status);
        writer.WriteString("type", kind.Type);
        writer.WriteString("title", kind.Title);
        writer.WriteString("detail", detail);
    }

    /// <summary>A value stored as text (or JSON) that is valid UTF-8 is answered as text; anything else as base64.</summary>
    private static bool IsText(CacheValue value)
    {
        var type = value.ContentType ?? string.Empty;
        if (!type.StartsWith("text/", StringComparison.OrdinalIgnoreCase) && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(value.Data);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>The API key lacks the operation's scope.</summary>
    private sealed class ForbiddenOperationException(string scope) : Exception($"The API key lacks the '{scope}' scope this operation needs.");
}
