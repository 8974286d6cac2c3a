namespace CacheCluster.Http.Hosting;

/// <summary>
/// Options of the HTTP API, bound from <c>CacheCluster:Http</c>.
/// </summary>
public sealed class CacheClusterHttpOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "CacheCluster:Http";

    /// <summary>Where the API listens when neither <c>--urls</c> nor another Kestrel endpoint setting is given: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The default of <see cref="NotFoundMaxAge"/>, in seconds.</summary>
    public const int DefaultNotFoundMaxAge = 1;

    /// <summary>The largest <see cref="NotFoundMaxAge"/>, in seconds.</summary>
    public const int MaxNotFoundMaxAge = 3600;

    /// <summary>
    /// Gets the API keys by name, from <c>CacheCluster:Http:ApiKeys:{name}:Key</c> and <c>:Scopes</c>. When empty the
    /// API is open (meant for the embedded default, which listens on loopback only).
    /// </summary>
    public Dictionary<string, ApiKeyOptions> ApiKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets how long a <c>GET ?fill=1</c> waits for another caller's fill before it gives up.</summary>
    /// <value>Default: 10 seconds; at most 30 seconds.</value>
    public TimeSpan LeaseWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long a lease granted over HTTP lasts without a fill before it passes to the next caller.</summary>
    /// <value>Default: 10 seconds.</value>
    public TimeSpan LeaseTimeout { get; set; } = CacheLeaseRequest.DefaultLeaseTimeout;

    /// <summary>
    /// Gets or sets how many <c>GET ?fill=1</c> calls of one key may be in flight on a silo's HTTP API at once; one more
    /// gets 503 <c>too-many-waiters</c> with <c>Retry-After</c>.
    /// </summary>
    /// <value>Default: 32; 1 to 10000.</value>
    public int MaxLeaseWaitersPerKey { get; set; } = 32;

    /// <summary>
    /// Gets or sets how many <c>GET ?fill=1</c> calls from one client address may be in flight on a silo's HTTP API at
    /// once, over all keys; one more gets 503 <c>too-many-waiters</c> with <c>Retry-After</c>.
    /// </summary>
    /// <value>Default: 64; 1 to 10000.</value>
    public int MaxLeaseWaitersPerClient { get; set; } = 64;

    /// <summary>
    /// Gets or sets how many seconds a shared cache (nginx, Squid, a CDN) or a browser may reuse a 404 for a missing or
    /// expired key: <c>Cache-Control: max-age=N</c>, or <c>no-store</c> when 0. Short, so a deleted key stops being
    /// served soon; explicit, so a cache that serves stale content while it revalidates stores the 404 and stops.
    /// </summary>
    /// <value>Default: 1 second; 0 to 3600.</value>
    public int NotFoundMaxAge { get; set; } = DefaultNotFoundMaxAge;

    /// <summary>
    /// Gets or sets how many requests with a wrong API key one client address (an IPv6 client's /64) may send within
    /// <see cref="FailedKeyWindow"/>; past it, every request of that address that needs a key gets 429 with
    /// <c>Retry-After</c> until the window ends.
    /// </summary>
    /// <value>Default: 10; 1 to 10000.</value>
    public int FailedKeyAttempts { get; set; } = 10;

    /// <summary>Gets or sets the window <see cref="FailedKeyAttempts"/> counts in, from an address's first wrong key.</summary>
    /// <value>Default: 1 minute; at most 1 hour.</value>
    public TimeSpan FailedKeyWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets the cross-origin (CORS) settings, from <c>CacheCluster:Http:Cors</c>.</summary>
    public HttpCorsOptions Cors { get; } = new();
}

/// <summary>One API key: the secret and what it may do.</summary>
public sealed class ApiKeyOptions
{
    /// <summary>The shortest key accepted at start.</summary>
    public const int MinimumKeyLength = 16;

    /// <summary>
    /// Gets or sets the secret sent as <c>Authorization: Bearer KEY</c>: at least <see cref="MinimumKeyLength"/>
    /// characters. Cleared once the API has hashed it.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>Gets the scopes: <c>read</c>, <c>write</c>, <c>invalidate</c>, <c>ratelimit</c>, <c>admin</c> (admin allows everything).</summary>
    public List<string> Scopes { get; } = [];

    /// <summary>
    /// Gets the key prefixes this key is limited to, from <c>:KeyPrefixes</c> (a list), as Redis ACL key patterns: every
    /// scope then applies only to entries (and rate-limit identifiers) starting with one of them; anything else is 403.
    /// Empty: every key.
    /// </summary>
    public List<string> KeyPrefixes { get; } = [];
}
