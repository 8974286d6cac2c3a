namespace CacheCluster.Hosting;

/// <summary>
/// How long and how many entries a silo keeps in memory, bound from the <c>CacheCluster</c> section itself
/// (<c>CacheCluster:EntryIdleTimeout</c>, <c>CacheCluster:MaxMemoryMB</c>, <c>CacheCluster:MaxEntries</c>).
/// </summary>
public sealed class EvictionOptions
{
    /// <summary>The smallest memory bound that may be configured, in MiB: below it the runtime alone would not fit.</summary>
    public const int MinMaxMemoryMB = 64;

    /// <summary>The largest memory bound that may be configured, in MiB (1 TiB).</summary>
    public const int MaxMaxMemoryMB = 1024 * 1024;

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
}
