namespace CacheCluster.Http.Cdn;

/// <summary>
/// The purger's HTTP client. Redirects are not followed: a purge carries the CDN's API token (<c>Authorization</c>,
/// <c>Fastly-Key</c>), which must never be sent on to wherever a 3xx points; a redirect is a failed purge.
/// </summary>
internal static class CdnHttpClient
{
    public static HttpClient Create() =>
        new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(15) };
}
