using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Xunit.Abstractions;
using CacheCluster.Tests.EndToEnd;

namespace CacheCluster.Tests.Dashboard;

/// <summary>
/// The dashboard of a silo process with API keys: refused without the admin scope (page, assets, API calls, log
/// stream; in Chromium too), served to a Bearer admin key, and to a browser after a sign-in that exchanges the key for
/// a short-lived session cookie which never holds the key.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class DashboardSignInTests(ITestOutputHelper output)
{
    private static readonly string[] DashboardPaths =
        ["dashboard/", "dashboard/index.min.js", "dashboard/DashboardCounters", "dashboard/ClusterStats", "dashboard/GrainTypes", "dashboard/Trace"];

    [Fact]
    public async Task Dashboard_WithApiKeys_NeedsAdminByBearerOrSignInCookie()
    {
        var unique = Guid.NewGuid().ToString("N")[..12];
        var adminKey = $"admin-key-{unique}";
        var readKey = $"read-key-{unique}";
        await using var silo = await SiloProcess.StartAsync(
            identity: null,
            $"--CacheCluster:Http:ApiKeys:ops:Key={adminKey}",
            "--CacheCluster:Http:ApiKeys:ops:Scopes=admin",
            $"--CacheCluster:Http:ApiKeys:app:Key={readKey}",
            "--CacheCluster:Http:ApiKeys:app:Scopes=read");
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = silo.HttpAddress };

        // Refused without a key, and with a key lacking admin: no dashboard content, API calls and log stream included.
        foreach (var path in DashboardPaths)
        {
            var anonymous = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("/dashboard/login", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(http, path, bearer: readKey)).StatusCode);
        }

        var bearer = await SendAsync(http, "dashboard/", bearer: adminKey);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Contains("<title>Orleans Dashboard</title>", await bearer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The sign-in form; a wrong key and a key without admin get it again with the reason, and no cookie.
        var form = await http.GetAsync("dashboard/login");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("<form method=\"post\" action=\"/dashboard/login\">", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrong = await SignInAsync(http, adminKey + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("not valid", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var reader = await SignInAsync(http, readKey);
        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Contains("lacks the &#39;admin&#39; scope", await reader.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(wrong.Headers.Contains("Set-Cookie") || reader.Headers.Contains("Set-Cookie"));
        Assert.Equal(HttpStatusCode.Forbidden, (await SignInAsync(http, adminKey, origin: "http://evil.example")).StatusCode);

        // The admin key: 303 to the dashboard with a 15-minute, HttpOnly, SameSite=Strict cookie scoped to /dashboard.
        var signedIn = await SignInAsync(http, adminKey, origin: silo.HttpAddress.GetLeftPart(UriPartial.Authority));
        Assert.Equal(HttpStatusCode.SeeOther, signedIn.StatusCode);
        Assert.Equal("/dashboard/", signedIn.Headers.Location?.OriginalString);
        var setCookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"));
        output.WriteLine($"Set-Cookie: {setCookie[..setCookie.IndexOf('=', StringComparison.Ordinal)]}=…{setCookie[setCookie.IndexOf(';', StringComparison.Ordinal)..]}");
        var cookieName = $"cachecluster-dashboard-{silo.HttpPort.ToString(CultureInfo.InvariantCulture)}";
        Assert.StartsWith(cookieName + "=", setCookie, StringComparison.Ordinal);
        var attributes = setCookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("max-age=900", attributes);
        Assert.Contains("path=/dashboard", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("httponly", attributes);
        Assert.DoesNotContain("secure", attributes);
        var cookie = setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)];
        Assert.DoesNotContain(adminKey, Uri.UnescapeDataString(cookie), StringComparison.Ordinal);

        // The cookie opens every dashboard path, and nothing else; a forged one opens nothing.
        foreach (var path in DashboardPaths.Where(p => p != "dashboard/Trace"))
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, path, cookie: cookie)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "metrics", cookie: cookie)).StatusCode);
        var forged = cookie[..^2] + (cookie[^2] == 'A' ? "B" : "A") + cookie[^1];
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, "dashboard/DashboardCounters", cookie: forged)).StatusCode);

        // A real browser without the cookie gets the refusal, not the dashboard.
        var screenshot = Path.Combine(HeadlessChromium.ArtifactDirectory, "dashboard-refused.png");
        var dom = await HeadlessChromium.RenderAsync(new Uri(silo.HttpAddress, "dashboard/"), screenshot);
        output.WriteLine($"Refused-dashboard screenshot: {screenshot}");
        Assert.Contains("sign in at /dashboard/login", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("Orleans Dashboard", dom, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string path, string? bearer = null, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        // The log stream never ends: its status line is enough.
        return http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static Task<HttpResponseMessage> SignInAsync(HttpClient http, string key, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "dashboard/login")
        {
            Content = new FormUrlEncodedContent([new("key", key)]),
        };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return http.SendAsync(request);
    }
}
