using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CacheCluster.Http.Edges;

/// <summary>
/// Refuses a request to a <see cref="JsonBody"/> endpoint whose <c>Content-Type</c> is not <c>application/json</c>
/// (parameters such as <c>charset=utf-8</c> allowed) with 415 <c>unsupported-media-type</c>, before the body is read.
/// </summary>
internal sealed class JsonContentTypeMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<JsonBody>() is not null && !IsJson(context.Request.ContentType))
        {
            context.Response.Headers.Accept = "application/json";
            return HttpProblems.Result(ProblemKind.UnsupportedMediaType, $"{context.Request.Method} {context.Request.Path} takes a JSON body: send Content-Type: application/json.")
                .ExecuteAsync(context);
        }

        return next(context);
    }

    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);
}
