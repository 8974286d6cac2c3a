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

    /// <summary>
    /// Gets or sets how many purge requests may wait per CDN. A CDN that falls this far behind (Cloudflare is paced)
    /// overflows: see <see cref="PurgeAllOnOverflow"/>. The <c>cachecluster.cdn.backlog</c> gauge shows the length.
    /// </summary>
    /// <value>10,000.</value>
    public int MaxQueueLength { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets a value indicating whether an overflowing queue becomes one purge-everything. When
    /// <see langword="false"/>, requests past <see cref="MaxQueueLength"/> are dropped, logged and counted
    /// (<c>cachecluster.cdn.purges</c> with <c>outcome=dropped</c>): the CDN may serve invalidated content until it expires.
    /// </summary>
    /// <value><see langword="false"/>: emptying a whole CDN is the operator's choice.</value>
    public bool PurgeAllOnOverflow { get; set; }

    /// <summary>Gets the Varnish settings.</summary>
    public VarnishPurgeOptions Varnish { get; } = new();

    /// <summary>Gets the Cloudflare settings.</summary>
    public CloudflarePurgeOptions Cloudflare { get; } = new();

    /// <summary>Gets the Fastly settings.</summary>
    public FastlyPurgeOptions Fastly { get; } = new();

    internal bool Enabled => Varnish.Url is not null || Cloudflare.ZoneId is not null || Fastly.ServiceId is not null;
}
