using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;

namespace CacheCluster.Http.Edges;

/// <summary>
/// Refuses a request whose <c>Host</c> is not on the <see cref="HostAllowList"/> with 400 <c>invalid-host</c>, before
/// anything else runs. The refused name is not echoed.
/// </summary>
internal sealed class HostCheckMiddleware(RequestDelegate next, HostAllowList hosts)
{
    public Task InvokeAsync(HttpContext context) => hosts.Allows(context.Request.Host)
        ? next(context)
        : HttpProblems.Result(ProblemKind.InvalidHost, $"The Host header names a host this API does not answer; it answers {hosts.Description} ({HostAllowList.ConfigurationKey}).")
            .ExecuteAsync(context);
}
