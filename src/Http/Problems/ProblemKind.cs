using Microsoft.AspNetCore.Http;

namespace CacheCluster.Http.Problems;

/// <summary>One kind of error the HTTP API answers, with its status code and stable problem type.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Slug">The last segment of the problem type URI.</param>
/// <param name="Title">The short, constant summary.</param>
internal sealed record ProblemKind(int Status, string Slug, string Title)
{
    /// <summary>Every problem type is this prefix plus a slug.</summary>
    public const string TypePrefix = "https://cachecluster.dev/problems/";

    public static readonly ProblemKind InvalidKey = new(StatusCodes.Status400BadRequest, "invalid-key", "Invalid cache key");
    public static readonly ProblemKind InvalidOptions = new(StatusCodes.Status400BadRequest, "invalid-options", "Invalid entry options");
    public static readonly ProblemKind InvalidRequest = new(StatusCodes.Status400BadRequest, "invalid-request", "Invalid request");
    public static readonly ProblemKind InvalidHeader = new(StatusCodes.Status400BadRequest, "invalid-header", "Invalid request header");
    public static readonly ProblemKind InvalidRateLimitRequest = new(StatusCodes.Status400BadRequest, "invalid-ratelimit-request", "Invalid rate-limit request");
    public static readonly ProblemKind InvalidEvent = new(StatusCodes.Status400BadRequest, "invalid-event", "Invalid domain event");
    public static readonly ProblemKind InvalidHost = new(StatusCodes.Status400BadRequest, "invalid-host", "Host not accepted");
    public static readonly ProblemKind Unauthorized = new(StatusCodes.Status401Unauthorized, "unauthorized", "API key required");
    public static readonly ProblemKind Forbidden = new(StatusCodes.Status403Forbidden, "forbidden", "Scope missing");
    public static readonly ProblemKind KeyNotFound = new(StatusCodes.Status404NotFound, "key-not-found", "Key not found");
    public static readonly ProblemKind FillPending = new(StatusCodes.Status404NotFound, "fill-pending", "Key not filled yet");
    public static readonly ProblemKind UnknownPolicy = new(StatusCodes.Status404NotFound, "unknown-policy", "Unknown rate-limit policy");
    public static readonly ProblemKind NotFound = new(StatusCodes.Status404NotFound, "not-found", "Not found");
    public static readonly ProblemKind MethodNotAllowed = new(StatusCodes.Status405MethodNotAllowed, "method-not-allowed", "Method not allowed");
    public static readonly ProblemKind LeaseVoided = new(StatusCodes.Status409Conflict, "lease-voided", "Lease voided");
    public static readonly ProblemKind WrongType = new(StatusCodes.Status409Conflict, "wrong-type", "Wrong kind of entry");
    public static readonly ProblemKind NotInteger = new(StatusCodes.Status409Conflict, "not-integer", "Value is not an integer");
    public static readonly ProblemKind IntegerOverflow = new(StatusCodes.Status409Conflict, "integer-overflow", "Integer overflow");
    public static readonly ProblemKind PreconditionFailed = new(StatusCodes.Status412PreconditionFailed, "precondition-failed", "Precondition failed");
    public static readonly ProblemKind UnsupportedMediaType = new(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type");
    public static readonly ProblemKind ValueTooLarge = new(StatusCodes.Status413PayloadTooLarge, "value-too-large", "Value too large");
    public static readonly ProblemKind RateLimited = new(StatusCodes.Status429TooManyRequests, "rate-limited", "Rate limited");
    public static readonly ProblemKind Internal = new(StatusCodes.Status500InternalServerError, "internal", "Internal error");
    public static readonly ProblemKind StorageUnavailable = new(StatusCodes.Status503ServiceUnavailable, "storage-unavailable", "Storage unavailable");
    public static readonly ProblemKind ClusterUnavailable = new(StatusCodes.Status503ServiceUnavailable, "cluster-unavailable", "Cluster unavailable");
    public static readonly ProblemKind TooManyWaiters = new(StatusCodes.Status503ServiceUnavailable, "too-many-waiters", "Too many lease waiters");

    /// <summary>Gets the problem type URI.</summary>
    public string Type => TypePrefix + Slug;
}
