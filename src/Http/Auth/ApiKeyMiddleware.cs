using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Http.Auth;

/// <summary>
/// Requires <c>Authorization: Bearer KEY</c> with the endpoint's <see cref="RequiredScope"/> (admin when it names
/// none, unless it is a <see cref="PublicEndpoint"/>) when API keys are configured: 401 without a valid key, 403
/// without the scope, both problem+json. Keys are never logged.
/// </summary>
internal sealed partial class ApiKeyMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator, ILogger<ApiKeyMiddleware> logger)
{
    private const string Scheme = "Bearer ";

    public Task InvokeAsync(HttpContext context)
    {
        // Secure by default: an endpoint that names no scope and is not declared public needs admin.
        var endpoint = context.GetEndpoint();
        if (endpoint is null || !authenticator.Enabled || endpoint.Metadata.GetMetadata<PublicEndpoint>() is not null)
        {
            return next(context);
        }

        var required = endpoint.Metadata.GetMetadata<RequiredScope>() ?? new RequiredScope(ApiScopes.Admin);

        string? header = context.Request.Headers.Authorization;
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"cachecluster\"";
            return HttpProblems.Result(ProblemKind.Unauthorized, "This endpoint needs an API key: send Authorization: Bearer KEY.").ExecuteAsync(context);
        }

        var identity = authenticator.Authenticate(header[Scheme.Length..].Trim());
        if (identity is null)
        {
            LogInformationRejectedKey(context.Request.Method);
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"cachecluster\", error=\"invalid_token\"";
            return HttpProblems.Result(ProblemKind.Unauthorized, "The API key is not valid.").ExecuteAsync(context);
        }

        if (!identity.Allows(required.Scope) && (required.OrScope is not { } alternative || !identity.Allows(alternative)))
        {
            LogInformationMissingScope(identity.Name, required.Scope);
            return HttpProblems.Result(ProblemKind.Forbidden, $"The API key '{identity.Name}' lacks the '{required.Scope}' scope.").ExecuteAsync(context);
        }

        ApiKeyIdentity.Set(context, identity);
        return next(context);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "A {Method} request was refused: its bearer token matches no API key.")]
    private partial void LogInformationRejectedKey(string method);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "API key '{Name}' was refused: it lacks the '{Scope}' scope.")]
    private partial void LogInformationMissingScope(string name, string scope);
}
