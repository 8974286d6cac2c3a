namespace CacheCluster.Hosting;

/// <summary>
/// Silo options, bound from the <c>CacheCluster</c> configuration section.
/// </summary>
public sealed class CacheClusterOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "CacheCluster";

    /// <summary>The largest value size that may be configured: 64 MiB.</summary>
    public const int MaxValueBytesLimit = 64 * 1024 * 1024;

    /// <summary>The smallest memory bound that may be configured, in MiB: below it the runtime alone would not fit.</summary>
    public const int MinMaxMemoryMB = 64;

    /// <summary>The largest memory bound that may be configured, in MiB (1 TiB).</summary>
    public const int MaxMaxMemoryMB = 1024 * 1024;

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
    /// Gets or sets how long an entry's grain stays active without calls. After that its activation is collected and
    /// only the compact stored record remains (in Redis, or in the embedded store); the next call reloads it.
    /// </summary>
    /// <value>Default: 2 minutes.</value>
    public TimeSpan EntryIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets the silo's memory bound, in MiB of resident memory (RSS). Nearing it, the least recently used
    /// entries go: their activations first (the record stays in Redis, or in the embedded store), then, in embedded
    /// mode, their records too, as Redis' <c>allkeys-lru</c> would evict them. At least 64.
    /// </summary>
    /// <value>Default: <see langword="null"/> (no bound).</value>
    public int? MaxMemoryMB { get; set; }

    /// <summary>
    /// Gets or sets the most entries this silo holds: in embedded mode the stored records, in Redis mode the active
    /// entries (records stay in Redis). Past it, the least recently used go.
    /// </summary>
    /// <value>Default: <see langword="null"/> (no limit).</value>
    public int? MaxEntries { get; set; }

    /// <summary>Gets the invalidation settings: the rules mapping domain events to keys, patterns and tags.</summary>
    public InvalidationOptions Invalidation { get; } = new();

    /// <summary>Gets the CDN purge settings (<c>CacheCluster:Cdn</c>).</summary>
    public CdnOptions Cdn { get; } = new();

    /// <summary>Gets the TLS settings for silo-to-silo and client-to-gateway traffic (<c>CacheCluster:Tls</c>); off by default.</summary>
    public CacheClusterTlsOptions Tls { get; } = new();

    /// <summary>Gets the named rate-limit policies, bound from <c>CacheCluster:RateLimits:{name}</c>.</summary>
    public Dictionary<string, RateLimitPolicyOptions> RateLimits { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets how often at most a limiter checkpoints its state to the store. Losing a silo can over-admit at
    /// most what a limiter admitted since its last checkpoint. Zero writes every admitted request through before
    /// answering it (no over-admission, one store write per admitted request).
    /// </summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan RateLimitCheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the failure-detection settings (<c>CacheCluster:Membership</c>): how fast a dead silo is noticed.</summary>
    public CacheClusterMembershipOptions Membership { get; } = new();

    /// <summary>Gets or sets how often expired entries are swept from memory.</summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>How a silo's membership is configured.</summary>
public enum ClusteringMode
{
    /// <summary>Redis clustering when a Redis connection string is set, otherwise localhost clustering.</summary>
    Auto = 0,

    /// <summary>The host configures membership and endpoints itself.</summary>
    External = 1,
}
