using Microsoft.AspNetCore.Http;

namespace CacheCluster.Http.Problems;

/// <summary>
/// The one place errors become RFC 9457 problem+json: the typed <see cref="CacheClusterException"/> hierarchy, the
/// cluster's transport failures and the API's own outcomes (404, 409, 412, 413, 429, …). Details never carry a
/// cached value or a stack trace.
/// </summary>
internal static class HttpProblems
{
    /// <summary>Creates the problem result for <paramref name="kind"/>.</summary>
    public static IResult Result(ProblemKind kind, string? detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail, statusCode: kind.Status, title: kind.Title, type: kind.Type, extensions: extensions);

    /// <summary>Maps an exception to its problem kind.</summary>
    public static ProblemKind KindOf(Exception exception) => exception switch
    {
        InvalidCacheKeyException => ProblemKind.InvalidKey,
        CacheValueTooLargeException => ProblemKind.ValueTooLarge,
        CacheWrongTypeException => ProblemKind.WrongType,
        CacheValueNotIntegerException => ProblemKind.NotInteger,
        CacheIntegerOverflowException => ProblemKind.IntegerOverflow,
        UnknownRateLimitPolicyException => ProblemKind.UnknownPolicy,
        InvalidRateLimitRequestException => ProblemKind.InvalidRateLimitRequest,
        InvalidDomainEventException => ProblemKind.InvalidEvent,
        InvalidCacheOptionsException => ProblemKind.InvalidOptions,
        InvalidCacheRequestException => ProblemKind.InvalidRequest,
        CacheVersionConflictException => ProblemKind.PreconditionFailed,
        CacheStorageException => ProblemKind.StorageUnavailable,
        CacheClusterUnavailableException => ProblemKind.ClusterUnavailable,
        CacheClusterException => ProblemKind.Internal,
        HttpRequestHeaderException => ProblemKind.InvalidHeader,

        // A body that is not JSON of the expected shape: README's "bad JSON", not a header.
        System.Text.Json.JsonException => ProblemKind.InvalidRequest,
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ProblemKind.ValueTooLarge,
        BadHttpRequestException => ProblemKind.InvalidRequest,
        _ when ClusterFailure.IsTransport(exception) => ProblemKind.ClusterUnavailable,
        _ => ProblemKind.Internal,
    };

    /// <summary>
    /// The detail of every storage failure: Redis' own text (addresses, server errors, configuration) stays in the
    /// silo's log and never reaches the caller.
    /// </summary>
    public const string StorageUnavailableDetail = "The cache's store did not complete the request; a write may or may not have been applied. The silo's log has the cause.";

    /// <summary>Creates the problem result for an exception; unexpected exceptions and storage failures say nothing about themselves.</summary>
    public static IResult For(HttpContext context, Exception exception)
    {
        var kind = KindOf(exception);
        if (kind.Status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }

        var detail = kind == ProblemKind.Internal ? "The request failed; the silo's log has the details."
            : exception is System.Text.Json.JsonException ? "The request body is not valid JSON of the expected shape."
            : kind == ProblemKind.StorageUnavailable ? StorageUnavailableDetail
            : kind == ProblemKind.ClusterUnavailable && exception is not CacheClusterException ? $"The cluster did not complete the request: {exception.GetType().Name}."
            : ClusterFailure.FirstLine(exception.Message);
        return Result(kind, detail);
    }

    /// <summary>Gives the problem kind for a bare status code written without a body (no endpoint, wrong method).</summary>
    public static ProblemKind? KindOfStatus(int status) => status switch
    {
        StatusCodes.Status404NotFound => ProblemKind.NotFound,
        StatusCodes.Status405MethodNotAllowed => ProblemKind.MethodNotAllowed,
        StatusCodes.Status400BadRequest => ProblemKind.InvalidRequest,
        StatusCodes.Status413PayloadTooLarge => ProblemKind.ValueTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ProblemKind.UnsupportedMediaType,
        StatusCodes.Status500InternalServerError => ProblemKind.Internal,
        _ => null,
    };
}
