namespace CacheCluster.Hosting;

/// <summary>How an application server reaches the cluster, and how it serializes values.</summary>
public sealed class CacheClusterClientOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "CacheCluster";

    /// <summary>Gets the gateways to connect to, as <c>host:port</c>; used when <see cref="Redis"/> is not set.</summary>
    /// <value>Default: <c>127.0.0.1:30000</c> when left empty.</value>
    public IList<string> Gateways { get; } = [];

    /// <summary>
    /// Gets or sets a StackExchange.Redis connection string. When set, gateways are discovered from the cluster's
    /// Redis membership instead of <see cref="Gateways"/>.
    /// </summary>
    /// <value>Default: <see langword="null"/>.</value>
    public string? Redis { get; set; }

    /// <summary>Gets or sets the cluster id; must match the silos'.</summary>
    /// <value>Default: <c>cachecluster</c>.</value>
    public string ClusterId { get; set; } = "cachecluster";

    /// <summary>Gets or sets the service id; must match the silos'.</summary>
    /// <value>Default: <c>cachecluster</c>.</value>
    public string ServiceId { get; set; } = "cachecluster";

    /// <summary>
    /// Gets or sets how long the client keeps trying to connect before start-up fails, when
    /// <see cref="WaitForCluster"/> is set. (Otherwise the client keeps trying in the background for as long as it runs.)
    /// </summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets a value indicating whether the application's start waits for the cluster: up to
    /// <see cref="ConnectTimeout"/>, then it fails with <see cref="CacheClusterUnavailableException"/>. For tools that
    /// need the cluster to do anything at all (the <c>cachecluster</c> command line).
    /// </summary>
    /// <value>
    /// Default: <see langword="false"/>: the start does not wait. The client starts unconnected and connects in the
    /// background, retrying for as long as it runs; until then every call fails at once with
    /// <see cref="CacheClusterUnavailableException"/> (nothing is sent), so the fallbacks answer.
    /// </value>
    public bool WaitForCluster { get; set; }

    /// <summary>
    /// Gets or sets how long a call waits for its answer before it fails with
    /// <see cref="CacheClusterUnavailableException"/> (for instance when the silo holding the key dies mid-call).
    /// </summary>
    /// <value>Default: 10 seconds.</value>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets the soft timeout of a call: a call the cluster has not answered by then counts as a failure (for the
    /// circuit breaker) and GetOrSet falls back (near copy, then the factory in this process). A lookup that waits for
    /// another caller's fill gets its wait on top.
    /// </summary>
    /// <value>Default: 2 seconds.</value>
    public TimeSpan ClusterTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets a value indicating whether concurrent single-key reads (<c>TryGetAsync</c>, <c>TryGetBytesAsync</c>)
    /// that go to the cluster share messages: while a few are out, a read is sent alone at once; the reads that arrive
    /// meanwhile wait and go together as one batch message as soon as one of those calls completes (no timer, no delay).
    /// Each caller keeps its own cancellation, <see cref="ClusterTimeout"/>, errors and near-cache tracking. One read
    /// alone is sent as before.
    /// </summary>
    /// <remarks>
    /// A batch goes to the silo that holds its keys' entries (learnt from the silos' answers; a key not yet placed
    /// probes the silos, at most one read per silo), which reads them without a grain call. Off by default, from
    /// same-run measurements (S1, 64 callers, issue 18): on one silo it cut CPU per read by a fifth to a third at the
    /// same or more reads per second; on three silos it still lost reads per second, most while keys are being
    /// learnt. Turn it on when the client talks to one silo, or when the silos' CPU is what runs out.
    /// </remarks>
    /// <value>Default: <see langword="false"/>: one call per read. <see langword="true"/>: coalesced (<c>CacheCluster:ReadCoalescing</c>).</value>
    public bool ReadCoalescing { get; set; }

    /// <summary>Gets the circuit breaker and the failure modes of reads and writes (<c>CacheCluster:Resilience</c>).</summary>
    public Resilience.CacheClusterResilienceOptions Resilience { get; } = new();

    /// <summary>
    /// Gets or sets how often the client refreshes its list of live gateways. A gateway whose connection fails is dropped
    /// at once, and tried again (restarted, or newly found in Redis membership) after at most this long.
    /// </summary>
    /// <value>Default: 10 seconds (Orleans: 1 minute).</value>
    public TimeSpan GatewayListRefreshPeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the longest key the client sends, in UTF-8 bytes; longer keys fail before any call.</summary>
    /// <value>Default: 1024, as on the silo.</value>
    public int MaxKeyBytes { get; set; } = CacheKey.DefaultMaxKeyBytes;

    /// <summary>Gets or sets the serializer for typed values.</summary>
    /// <value>Default: <see cref="Serialization.CacheSerializer.Default"/> (System.Text.Json; strings and byte arrays raw).</value>
    public Serialization.ICacheSerializer Serializer { get; set; } = Serialization.CacheSerializer.Default;

    /// <summary>
    /// Gets or sets the failure mode for a rate-limit policy whose own mode the client has not learnt yet (it learns it
    /// from every decision), used when the cluster cannot be reached.
    /// </summary>
    /// <value>Default: <see cref="RateLimitFailureMode.Closed"/>.</value>
    public RateLimitFailureMode RateLimitFailureMode { get; set; } = RateLimitFailureMode.Closed;

    /// <summary>Gets the near cache settings (off unless <see cref="NearCacheOptions.Enabled"/>, or asked for per read).</summary>
    public NearCacheOptions NearCache { get; } = new();

    /// <summary>
    /// Gets the TLS settings for the connection to the gateways (<c>CacheCluster:Tls</c>), as configured on the silos:
    /// <see cref="CacheClusterTlsOptions.CertificatePath"/> (the client certificate the gateways require by default)
    /// and/or <see cref="CacheClusterTlsOptions.CaCertificatePath"/>. Off while neither is set.
    /// </summary>
    public CacheClusterTlsOptions Tls { get; } = new();

    /// <summary>
    /// Gets the trace export (<c>CacheCluster:Telemetry</c>): when <see cref="CacheClusterTelemetryOptions.OtlpEndpoint"/>
    /// is set, the client's spans (<see cref="CacheClusterDiagnostics.ActivitySourceName"/>) and its grain calls' go to
    /// that collector over OTLP/HTTP, in the application's own OpenTelemetry tracer provider. Co-hosted with a silo, the
    /// silo's setting of the same key applies instead.
    /// </summary>
    public CacheClusterTelemetryOptions Telemetry { get; } = new();

    /// <summary>Gets or sets the options used when a write passes none.</summary>
    /// <value>Default: <see langword="null"/> (no expiry, no tags).</value>
    public CacheEntryOptions? DefaultEntryOptions { get; set; }
}
