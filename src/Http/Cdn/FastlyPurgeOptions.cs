namespace CacheCluster.Hosting;

/// <summary>
/// Fastly (<c>CacheCluster:Cdn:Fastly</c>): URL purges for keys, surrogate-key purges for tags (at most 256 per
/// request). Fastly has no prefix purge: a pattern is counted as unsupported unless <see cref="PurgeAllForPatterns"/>.
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
    /// Gets or sets a value indicating whether a pattern purges the whole service (<c>purge_all</c>). When
    /// <see langword="false"/>, patterns are not purged from Fastly, and each is logged and counted as unsupported:
    /// tag the entries a pattern would cover and purge by surrogate key instead.
    /// </summary>
    /// <value><see langword="false"/>: otherwise every event with a pattern empties the whole service.</value>
    public bool PurgeAllForPatterns { get; set; }
}
