namespace CacheCluster.Hosting;

/// <summary>
/// The client's near cache: fresh values kept in the application's memory, each tracked by its entry grain, which tells
/// this client once when the entry changes. Bounded in entries and bytes, least recently used first out.
/// </summary>
public sealed class NearCacheOptions
{
    /// <summary>Gets or sets a value indicating whether reads use the near cache unless a call says otherwise.</summary>
    /// <value>Default: <see langword="false"/> (opt in here, or per call with <see cref="CacheReadOptions.UseNearCache"/>).</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the most entries held.</summary>
    /// <value>Default: 10,000.</value>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Gets or sets the most bytes held (values, keys and a per-entry overhead).</summary>
    /// <value>Default: 64 MiB.</value>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the longest a near copy is used without asking the cluster: the safety net should a change notice
    /// be lost. A copy is never used past its entry's freshness either.
    /// </summary>
    /// <value>Default: 60 seconds.</value>
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromSeconds(60);
}
