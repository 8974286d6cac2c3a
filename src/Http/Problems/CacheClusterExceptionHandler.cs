using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Http.Problems;

/// <summary>Answers every exception an endpoint throws with its problem+json (see <see cref="HttpProblems"/>).</summary>
internal sealed partial class CacheClusterExceptionHandler(ILogger<CacheClusterExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var kind = HttpProblems.KindOf(exception);
        if (kind == ProblemKind.Internal)
        {
            LogErrorUnexpected(exception, httpContext.Request.Method);
        }
        else if (kind.Status >= StatusCodes.Status500InternalServerError)
        {
            // The cause goes to the log only (Redis' messages are redacted where they are made); the caller's body is generic.
            LogWarningUnavailable(exception.GetType().Name, httpContext.Request.Method, ClusterFailure.FirstLine(exception.Message));
        }

        await HttpProblems.For(httpContext, exception).ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "A {Method} request failed unexpectedly.")]
    private partial void LogErrorUnexpected(Exception exception, string method);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "A {Method} request failed: {Error}: {Cause}")]
    private partial void LogWarningUnavailable(string error, string method, string cause);
}
