namespace CacheCluster.Hosting;

/// <summary>
/// CDN purging on invalidation, bound from <c>CacheCluster:Cdn</c>. Each configured provider gets every invalidation
/// notice as purge requests; none configured means no purger runs.
/// </summary>
public sealed class CdnOptions
{
    /// <summary>
    /// Gets or sets the public origin the CDN caches the HTTP API under, such as <c>https://cache.example.com</c>; a key
    /// is purged as <c>{PublicBaseUrl}/v1/cache/{key, URL-encoded}</c>. Required for Cloudflare and Fastly.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Gets or sets a value indicating whether a missed notice (a gap in the sequence) purges everything.</summary>
    /// <value><see langword="true"/>: a CDN that may hold invalidated entries is worse than a cold one.</value>
    public bool PurgeAllOnGap { get; set; } = true;

    /// <summary>Gets or sets how many times one purge request is tried before it is counted and logged as failed.</summary>
    /// <value>6 (backoff 1, 2, 4, 8, 16 s, or the CDN's <c>Retry-After</c>).</value>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Gets the Varnish settings.</summary>
    public VarnishPurgeOptions Varnish { get; } = new();

    /// <summary>Gets the Cloudflare settings.</summary>
    public CloudflarePurgeOptions Cloudflare { get; } = new();

    /// <summary>Gets the Fastly settings.</summary>
    public FastlyPurgeOptions Fastly { get; } = new();

    internal bool Enabled => Varnish.Url is not null || Cloudflare.ZoneId is not null || Fastly.ServiceId is not null;
}

/// <summary>
/// Varnish (<c>CacheCluster:Cdn:Varnish</c>): <c>PURGE</c> per URL, <c>BAN</c> by tag (<c>X-Ban-Tag</c>, matched
/// against the <c>xkey</c> response header) and by URL prefix (<c>X-Ban-Url</c>); see scripts/varnish/cachecluster.vcl.
/// </summary>
public sealed class VarnishPurgeOptions
{
    /// <summary>Gets or sets the Varnish listener, such as <c>http://127.0.0.1:6081</c>; <see langword="null"/> disables Varnish purging.</summary>
    public string? Url { get; set; }

    /// <summary>Gets or sets the <c>Host</c> header of purge requests, when Varnish caches under a virtual host.</summary>
    public string? Host { get; set; }
}

/// <summary>Cloudflare (<c>CacheCluster:Cdn:Cloudflare</c>): <c>purge_cache</c> by files, tags and prefixes, at most 100 per request.</summary>
public sealed class CloudflarePurgeOptions
{
    /// <summary>Gets or sets the zone id; <see langword="null"/> disables Cloudflare purging.</summary>
    public string? ZoneId { get; set; }

    /// <summary>Gets or sets the API token (sent as a bearer token; never logged).</summary>
    public string? ApiToken { get; set; }

    /// <summary>Gets or sets the API base URL.</summary>
    /// <value><c>https://api.cloudflare.com/client/v4</c>.</value>
    public string ApiUrl { get; set; } = "https://api.cloudflare.com/client/v4";

    /// <summary>Gets or sets the plan's purge rate: requests are spaced to stay under it.</summary>
    /// <value>5 per second (Pro); Free is 5 per minute (0.0833), Business 10, Enterprise 50.</value>
    public double RequestsPerSecond { get; set; } = 5;
}

/// <summary>
/// Fastly (<c>CacheCluster:Cdn:Fastly</c>): URL purges for keys, surrogate-key purges for tags (at most 256 per
/// request), and — Fastly having no prefix purge — <c>purge_all</c> for patterns unless disabled.
/// </summary>
public sealed class FastlyPurgeOptions
{
    /// <summary>Gets or sets the service id; <see langword="null"/> disables Fastly purging.</summary>
    public string? ServiceId { get; set; }

    /// <summary>Gets or sets the API token (sent as <c>Fastly-Key</c>; never logged).</summary>
    public string? ApiToken { get; set; }

    /// <summary>Gets or sets the API base URL.</summary>
    /// <value><c>https://api.fastly.com</c>.</value>
    public string ApiUrl { get; set; } = "https://api.fastly.com";

    /// <summary>Gets or sets a value indicating whether purges are soft (<c>Fastly-Soft-Purge: 1</c>: marked stale, not removed).</summary>
    public bool SoftPurge { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a pattern purges the whole service. When <see langword="false"/>,
    /// patterns are not purged from Fastly, and each is logged and counted as unsupported.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool PurgeAllForPatterns { get; set; } = true;
}
