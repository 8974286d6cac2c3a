using CacheCluster.Http.Dashboard;
using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Http.Auth;

/// <summary>
/// Requires <c>Authorization: Bearer KEY</c> with the endpoint's <see cref="RequiredScope"/> (admin when it names
/// none, unless it is a <see cref="PublicEndpoint"/>) when API keys are configured: 401 without a valid key, 403
/// without the scope, both problem+json. Keys are never logged. An address that sent too many wrong keys gets 429
/// with <c>Retry-After</c> before its key is looked at (<see cref="ApiKeyFailureThrottle"/>); a key limited to key
/// prefixes gets 403 for another key, and for an endpoint that names no key (<see cref="KeyPrefixRules"/>). Endpoints
/// marked <see cref="DashboardSessionCookie"/> also accept the dashboard's session cookie in place of the header.
/// </summary>
internal sealed partial class ApiKeyMiddleware(RequestDelegate next, ApiKeyAuthenticator authenticator, ApiKeyFailureThrottle throttle, ILogger<ApiKeyMiddleware> logger)
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
        var cookie = endpoint.Metadata.GetMetadata<DashboardSessionCookie>() is not null;
        ApiKeyIdentity? identity;
        if (header is null && cookie && context.RequestServices.GetService<DashboardSessions>()?.Authenticate(context) is { } session)
        {
            identity = session;
        }
        else if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) || header.Length == Scheme.Length)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"cachecluster\"";
            return HttpProblems.Result(
                ProblemKind.Unauthorized,
                cookie
                    ? $"The dashboard needs an admin API key: sign in at {CacheClusterDashboardOptions.Path}/login, or send Authorization: Bearer KEY."
                    : "This endpoint needs an API key: send Authorization: Bearer KEY.").ExecuteAsync(context);
        }
        else
        {
            if (throttle.Refusal(context) is { } throttled)
            {
                return throttled.ExecuteAsync(context);
            }

            identity = authenticator.Authenticate(header[Scheme.Length..].Trim());
            if (identity is null)
            {
                throttle.RecordFailure(context.Connection.RemoteIpAddress);
                LogInformationRejectedKey(context.Request.Method);
                context.Response.Headers.WWWAuthenticate = "Bearer realm=\"cachecluster\", error=\"invalid_token\"";
                return HttpProblems.Result(ProblemKind.Unauthorized, "The API key is not valid.").ExecuteAsync(context);
            }
        }

        if (!identity.Allows(required.Scope) && (required.OrScope is not { } alternative || !identity.Allows(alternative)))
        {
            LogInformationMissingScope(identity.Name, required.Scope);
            return HttpProblems.Result(ProblemKind.Forbidden, $"The API key '{identity.Name}' lacks the '{required.Scope}' scope.").ExecuteAsync(context);
        }

        if (identity.KeyPrefixes.Count > 0 && PrefixRefusal(context, endpoint, identity) is { } refusal)
        {
            LogInformationOutsidePrefixes(identity.Name);
            return HttpProblems.Result(ProblemKind.Forbidden, refusal).ExecuteAsync(context);
        }

        ApiKeyIdentity.Set(context, identity);
        return next(context);
    }

    /// <summary>
    /// Why a prefix-limited key may not call this endpoint: an entry's key or a rate-limit identifier (as the endpoint
    /// reads it, from the raw path) it does not own, or an endpoint that names no key. The invalidate endpoint checks
    /// its body itself (<see cref="KeyPrefixRules.Refusal"/>).
    /// </summary>
    private static string? PrefixRefusal(HttpContext context, Endpoint endpoint, ApiKeyIdentity identity)
    {
        var template = (endpoint as Microsoft.AspNetCore.Routing.RouteEndpoint)?.RoutePattern.RawText ?? string.Empty;
        var segment = template.StartsWith(CacheCluster.Http.Entries.CacheRoute.Prefix, StringComparison.Ordinal) ? 2
            : template.StartsWith("/v1/ratelimit/", StringComparison.Ordinal) ? 3
            : -1;
        if (segment < 0)
        {
            return endpoint.Metadata.GetMetadata<KeyPrefixesCheckedByEndpoint>() is not null
                ? null
                : $"The API key '{identity.Name}' is limited to key prefixes; this endpoint is not about one key.";
        }

        var key = CacheCluster.Http.Entries.RequestPath.Segment(context, segment);
        return identity.Owns(key) ? null : $"The API key '{identity.Name}' is limited to key prefixes; it does not own {CacheKey.Describe(key)}.";
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "A {Method} request was refused: its bearer token matches no API key.")]
    private partial void LogInformationRejectedKey(string method);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "API key '{Name}' was refused: it lacks the '{Scope}' scope.")]
    private partial void LogInformationMissingScope(string name, string scope);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "API key '{Name}' was refused: the request is outside its key prefixes.")]
    private partial void LogInformationOutsidePrefixes(string name);
}
