namespace CacheCluster.Hosting;

/// <summary>
/// The hot-key sketch: an approximate count of entry calls by key (a count-min sketch, so cold keys cost no counter
/// of their own) and the few keys with the highest counts, halved every <see cref="HalfLife"/> so that counts follow
/// the current access rate.
/// </summary>
public sealed class HotKeyOptions
{
    /// <summary>Gets or sets a value indicating whether the silo counts hot keys.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets how many of the hottest keys each silo keeps by name.</summary>
    /// <value>Default: 64; 1 to 1,024.</value>
    public int Capacity { get; set; } = 64;

    /// <summary>Gets or sets how often every count is halved.</summary>
    /// <value>Default: 1 minute; 1 second to 1 day.</value>
    public TimeSpan HalfLife { get; set; } = TimeSpan.FromMinutes(1);
}
