namespace CacheCluster.Hosting;

/// <summary>The silo's housekeeping loop, bound from the <c>CacheCluster</c> section itself (<c>CacheCluster:ExpirySweepInterval</c>).</summary>
public sealed class ExpiryOptions
{
    /// <summary>Gets or sets how often expired entries are swept from memory.</summary>
    /// <value>Default: 1 second.</value>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(1);
}
