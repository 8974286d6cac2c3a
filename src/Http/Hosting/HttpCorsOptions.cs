namespace CacheCluster.Http.Hosting;

/// <summary>
/// Which web pages may call the HTTP API from a browser (CORS), bound from <c>CacheCluster:Http:Cors</c>. Off when
/// <see cref="Origins"/> is empty, the default: browsers then refuse cross-origin calls.
/// </summary>
public sealed class HttpCorsOptions
{
    /// <summary>
    /// Gets the origins allowed to call the API: absolute <c>http</c> or <c>https</c> origins such as
    /// <c>https://app.example.com</c> (scheme, host and optional port; no path, query or user info), from
    /// <c>CacheCluster:Http:Cors:Origins:0</c>, <c>:1</c>, … or one comma-separated value. <c>*</c> allows every origin
    /// and is accepted only when API keys are configured: an open API that every origin may call could be read and
    /// written by any page the user visits.
    /// </summary>
    public List<string> Origins { get; } = [];
}
