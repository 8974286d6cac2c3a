using System.Net;
using Microsoft.AspNetCore.Http;

namespace CacheCluster.Http.Dashboard;

/// <summary>
/// The sign-in form of the dashboard: one password field for an admin API key, posted to the same path. No script,
/// no external resources, never cached, never framed.
/// </summary>
internal static class DashboardLoginPage
{
    public const string KeyField = "key";

    public static IResult Render(HttpContext context, int status, string? error)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        headers.XFrameOptions = "DENY";
        var message = error is null ? string.Empty : $"<p role=\"alert\" class=\"error\">{WebUtility.HtmlEncode(error)}</p>";
        var action = WebUtility.HtmlEncode($"{context.Request.PathBase}{CacheClusterDashboardOptions.Path}/login");
        var html = $$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>CacheCluster dashboard: sign in</title>
            <style>
            body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 4rem auto; padding: 0 1rem; color: #222; }
            input[type=password] { width: 100%; padding: .5rem; margin: .5rem 0 1rem; box-sizing: border-box; }
            button { padding: .5rem 1.25rem; }
            .error { color: #a40000; }
            </style>
            </head>
            <body>
            <h1>CacheCluster dashboard</h1>
            <p>Sign in with an API key that has the <code>admin</code> scope. The key is not stored: the silo answers with a session cookie.</p>
            {{message}}
            <form method="post" action="{{action}}">
            <label for="key">API key</label>
            <input id="key" name="{{KeyField}}" type="password" autocomplete="current-password" required autofocus>
            <button type="submit">Sign in</button>
            </form>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
