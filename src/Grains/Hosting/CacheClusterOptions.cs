namespace CacheCluster.Hosting;

/// <summary>
/// The silo's host-wide options, bound from the <c>CacheCluster</c> configuration section: endpoints, ids, the store
/// and key/value limits. Each feature has its own options (rate limiting, invalidation, eviction, expiry, membership,
/// TLS, CDN), registered and checked by its own <c>AddCacheCluster{Feature}</c> method.
/// </summary>
public sealed class CacheClusterOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "CacheCluster";

    /// <summary>The largest value size that may be configured: 64 MiB.</summary>
    public const int MaxValueBytesLimit = 64 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the StackExchange.Redis connection string. When set, the silo uses Redis for cluster membership and
    /// durable entries; when not, localhost clustering and in-memory entries.
    /// </summary>
    /// <value>Default: <see langword="null"/> (embedded mode).</value>
    public string? Redis { get; set; }

    /// <summary>Gets or sets the silo-to-silo port.</summary>
    /// <value>Default: 11111.</value>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Gets or sets the port clients connect to.</summary>
    /// <value>Default: 30000.</value>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Gets or sets the cluster id: silos with the same id and service id form one cluster.</summary>
    /// <value>Default: <c>cachecluster</c>.</value>
    public string ClusterId { get; set; } = "cachecluster";

    /// <summary>Gets or sets the service id, which also namespaces the entries stored in Redis.</summary>
    /// <value>Default: <c>cachecluster</c>.</value>
    public string ServiceId { get; set; } = "cachecluster";

    /// <summary>Gets or sets the IP address this silo advertises to others and listens on.</summary>
    /// <value>Default: <see langword="null"/>, meaning 127.0.0.1.</value>
    public string? AdvertisedIP { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether a silo in Redis mode may listen on a non-loopback
    /// <see cref="AdvertisedIP"/> without mutual TLS (<c>CacheCluster:Tls</c>). Its gateway then accepts any Orleans
    /// client, which may do everything (the HTTP API's admin scope); the silo logs a warning at every start.
    /// </summary>
    /// <value>Default: <see langword="false"/>: such a silo refuses to start (exit code 2).</value>
    public bool AllowInsecureTransport { get; set; }

    /// <summary>Gets or sets the longest key, in UTF-8 bytes.</summary>
    /// <value>Default: 1024.</value>
    public int MaxKeyBytes { get; set; } = CacheKey.DefaultMaxKeyBytes;

    /// <summary>Gets or sets the largest value (or whole list), in bytes; at most 64 MiB.</summary>
    /// <value>Default: 1 MiB.</value>
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Gets or sets how membership is configured. <see cref="ClusteringMode.Auto"/> picks Redis when <see cref="Redis"/>
    /// is set, otherwise localhost clustering; <see cref="ClusteringMode.External"/> leaves membership and endpoints to
    /// the host (a test cluster, for instance).
    /// </summary>
    /// <value>Default: <see cref="ClusteringMode.Auto"/>.</value>
    public ClusteringMode Clustering { get; set; } = ClusteringMode.Auto;

    /// <summary>
    /// Gets or sets when writes are acknowledged, unless a write's <see cref="CacheEntryOptions.Durability"/> says
    /// otherwise: <see cref="CacheDurability.Stored"/> once Redis has them, <see cref="CacheDurability.WriteBehind"/> once
    /// the key's grain has them (Redis gets them in batches within <see cref="MaxWriteDelay"/>). In embedded mode the
    /// memory store has every write at once, so this changes nothing there.
    /// </summary>
    /// <value>Default: <see cref="CacheDurability.Stored"/>.</value>
    public CacheDurability Durability { get; set; } = CacheDurability.Stored;

    /// <summary>
    /// Gets or sets how long a <see cref="CacheDurability.WriteBehind"/> write may wait before it is sent to Redis, with
    /// every other write waiting then, in one round trip; at most 1 second. It is also the most a crash can lose.
    /// </summary>
    /// <value>Default: 100 milliseconds.</value>
    public TimeSpan MaxWriteDelay { get; set; } = DefaultMaxWriteDelay;

    /// <summary>The default <see cref="MaxWriteDelay"/>: 100 milliseconds.</summary>
    public static readonly TimeSpan DefaultMaxWriteDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest <see cref="MaxWriteDelay"/> that may be configured: 1 second.</summary>
    public static readonly TimeSpan MaxWriteDelayLimit = TimeSpan.FromSeconds(1);
}

/// <summary>How a silo's membership is configured.</summary>
public enum ClusteringMode
{
    /// <summary>Redis clustering when a Redis connection string is set, otherwise localhost clustering.</summary>
    Auto = 0,

    /// <summary>The host configures membership and endpoints itself.</summary>
    External = 1,
}
