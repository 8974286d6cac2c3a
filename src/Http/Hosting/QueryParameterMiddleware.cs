using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;

namespace CacheCluster.Http.Hosting;

/// <summary>
/// Refuses a request whose query names a parameter its endpoint does not read (see <see cref="QueryParameters"/>):
/// 400 <c>invalid-request</c> with the parameter's name, before the endpoint runs, so nothing is stored or changed.
/// </summary>
internal sealed class QueryParameterMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<QueryParameters>() is { } known
            && context.Request.QueryString.HasValue
            && known.FirstUnknown(context.Request.Query) is { } unknown)
        {
            var detail = $"Unknown query parameter '{BoundedName(unknown)}': {context.Request.Method} {context.Request.Path} takes {known.Describe()}.";
            return HttpProblems.Result(ProblemKind.InvalidRequest, detail, new Dictionary<string, object?> { ["parameter"] = BoundedName(unknown) })
                .ExecuteAsync(context);
        }

        return next(context);
    }

    // The name comes from the request: bounded and free of control characters before it is echoed.
    private static string BoundedName(string name)
    {
        var shown = name.Length > 64 ? name[..64] + "…" : name;
        return string.Concat(shown.Select(c => char.IsControl(c) ? '?' : c));
    }
}
