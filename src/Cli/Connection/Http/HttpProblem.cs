using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CacheCluster.Cli.Connection.Http;

/// <summary>
/// Turns an HTTP API answer that is not the command's success into the exception the Orleans client throws for the
/// same outcome, so that <see cref="ClusterConnection"/> prints the same message and exits with the same code:
/// bad input (400, 409, 413, an unknown policy) is <see cref="InvalidCacheRequestException"/> (exit 2), 503 is
/// <see cref="CacheClusterUnavailableException"/> (exit 3). The message is the problem's <c>detail</c>, which the
/// silo builds from the very exception the Orleans client would have thrown.
/// </summary>
internal static class HttpProblem
{
    private const string TypePrefix = "https://cachecluster.dev/problems/";

    /// <summary>The problem's slug (<c>key-not-found</c>, …) and detail; empty when the answer is not problem+json.</summary>
    public static async Task<(string Slug, string? Detail)> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType is not MediaTypeHeaderValue { MediaType: "application/problem+json" })
        {
            return (string.Empty, null);
        }

        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            var type = root.TryGetProperty("type", out var typeValue) ? typeValue.GetString() ?? string.Empty : string.Empty;
            var detail = root.TryGetProperty("detail", out var detailValue) ? detailValue.GetString() : null;
            return (type.StartsWith(TypePrefix, StringComparison.Ordinal) ? type[TypePrefix.Length..] : string.Empty, detail);
        }
        catch (JsonException)
        {
            return (string.Empty, null);
        }
    }

    /// <summary>Returns the exception for an answer the command did not expect.</summary>
    public static async Task<Exception> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var (slug, detail) = await ReadAsync(response, cancellationToken);
        return ToException(response, slug, detail);
    }

    public static Exception ToException(HttpResponseMessage response, string slug, string? detail)
    {
        var status = (int)response.StatusCode;
        var where = response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Authority) ?? "the HTTP API";
        return (response.StatusCode, slug) switch
        {
            (HttpStatusCode.BadRequest or HttpStatusCode.Conflict or HttpStatusCode.RequestEntityTooLarge, not "") or (HttpStatusCode.NotFound, "unknown-policy")
                => new InvalidCacheRequestException(detail ?? slug),
            (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, not "")
                => new InvalidCacheRequestException(
                    $"the HTTP API at {where} refused the request ({status} {slug}): {detail} " +
                    $"(give the key with ${ConnectionEnvironment.ApiKey} or --api-key)"),
            (HttpStatusCode.ServiceUnavailable, not "") => new CacheClusterUnavailableException(detail ?? slug),
            _ => new CacheClusterUnavailableException(
                $"{where} answered {status} {response.ReasonPhrase}{(detail is null ? string.Empty : ": " + detail)} " +
                "(is it a CacheCluster silo's HTTP API? --url names it)"),
        };
    }
}
