namespace CacheCluster.Hosting;

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
