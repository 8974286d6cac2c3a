using CacheCluster.Http.Auth;
using CacheCluster.Http.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Dashboard;

namespace CacheCluster.Http.Dashboard;

/// <summary>
/// Maps the Orleans Dashboard under <c>/dashboard</c> (its page, assets and the JSON and log-stream calls the page
/// makes) with the admin scope, plus the sign-in that turns an admin key into a session cookie. With no API keys
/// configured everything is open, like the rest of the API (which then listens on loopback only).
/// </summary>
internal static partial class DashboardEndpoints
{
    private const string Login = CacheClusterDashboardOptions.Path + "/login";
    private const string Logout = CacheClusterDashboardOptions.Path + "/logout";

    /// <summary>Maps the dashboard when the silo serves it (<c>AddCacheClusterDashboard</c> enabled it).</summary>
    public static void Map(WebApplication app)
    {
        if (app.Services.GetService<DashboardSessions>() is null)
        {
            return;
        }

        // Every route of the group, API calls and the trace stream included: admin, by Bearer header or session cookie.
        app.MapOrleansDashboard(CacheClusterDashboardOptions.Path)
            .WithMetadata(new RequiredScope(ApiScopes.Admin), DashboardSessionCookie.Instance);

        app.MapGet(Login, (HttpContext context, ApiKeyAuthenticator authenticator) => authenticator.Enabled
                ? DashboardLoginPage.Render(context, StatusCodes.Status200OK, error: null)
                : Results.Redirect(Home(context)))
            .WithMetadata(PublicEndpoint.Instance);
        app.MapPost(Login, SignInAsync).WithMetadata(PublicEndpoint.Instance).DisableAntiforgery();
        app.MapPost(Logout, SignOut).WithMetadata(PublicEndpoint.Instance).DisableAntiforgery();
    }

    private static async Task<IResult> SignInAsync(
        HttpContext context, ApiKeyAuthenticator authenticator, ApiKeyFailureThrottle throttle, DashboardSessions sessions, ILogger<DashboardSessions> logger)
    {
        if (!authenticator.Enabled)
        {
            return See(context, Home(context));
        }

        if (!SameOrigin(context))
        {
            return HttpProblems.Result(ProblemKind.Forbidden, "The sign-in form must be posted from this silo's own page.");
        }

        if (!context.Request.HasFormContentType)
        {
            return HttpProblems.Result(ProblemKind.InvalidRequest, $"Post the form: application/x-www-form-urlencoded with the field '{DashboardLoginPage.KeyField}'.");
        }

        // The sign-in is a way to try keys too: it shares the API's throttle of wrong keys per address.
        if (throttle.Refusal(context) is { } throttled)
        {
            return throttled;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var key = form[DashboardLoginPage.KeyField].ToString().Trim();
        var identity = key.Length == 0 ? null : authenticator.Authenticate(key);
        if (identity is null)
        {
            throttle.RecordFailure(context.Connection.RemoteIpAddress);
            LogInformationSignInRefused(logger);
            return DashboardLoginPage.Render(context, StatusCodes.Status401Unauthorized, "That API key is not valid.");
        }

        if (!identity.Allows(ApiScopes.Admin))
        {
            LogInformationSignInWithoutAdmin(logger, identity.Name);
            return DashboardLoginPage.Render(context, StatusCodes.Status403Forbidden, $"The API key '{identity.Name}' lacks the 'admin' scope.");
        }

        context.Response.Cookies.Append(DashboardSessions.CookieName(context), sessions.Issue(identity.Name), CookieOptions(context, sessions.Lifetime));
        LogInformationSignedIn(logger, identity.Name);
        return See(context, Home(context));
    }

    private static IResult SignOut(HttpContext context)
    {
        if (!SameOrigin(context))
        {
            return HttpProblems.Result(ProblemKind.Forbidden, "The sign-out must be posted from this silo's own page.");
        }

        context.Response.Cookies.Delete(DashboardSessions.CookieName(context), CookieOptions(context, TimeSpan.Zero));
        return See(context, $"{context.Request.PathBase}{Login}");
    }

    private static CookieOptions CookieOptions(HttpContext context, TimeSpan lifetime) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = $"{context.Request.PathBase}{CacheClusterDashboardOptions.Path}",
        MaxAge = lifetime,
        IsEssential = true,
    };

    // A form posted from another site (login CSRF) carries that site's Origin; browsers send Origin on every POST.
    private static bool SameOrigin(HttpContext context)
    {
        string? origin = context.Request.Headers.Origin;
        return string.IsNullOrEmpty(origin)
            || string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }

    private static string Home(HttpContext context) => $"{context.Request.PathBase}{CacheClusterDashboardOptions.Path}/";

    // 303: the browser follows a POST's answer with a GET.
    private static IResult See(HttpContext context, string location)
    {
        context.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "A dashboard sign-in was refused: the key matches no API key.")]
    private static partial void LogInformationSignInRefused(ILogger logger);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "A dashboard sign-in with API key '{Name}' was refused: it lacks the admin scope.")]
    private static partial void LogInformationSignInWithoutAdmin(ILogger logger, string name);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "API key '{Name}' signed in to the dashboard.")]
    private static partial void LogInformationSignedIn(ILogger logger, string name);
}
