namespace CacheCluster.Hosting;

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
