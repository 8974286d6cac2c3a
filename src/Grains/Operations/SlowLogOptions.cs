namespace CacheCluster.Hosting;

/// <summary>The slow log: the most recent operations that took longer than a threshold, per silo.</summary>
public sealed class SlowLogOptions
{
    /// <summary>Gets or sets a value indicating whether the silo keeps a slow log.</summary>
    /// <value>Default: <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the duration, in milliseconds, from which an operation is logged.</summary>
    /// <value>Default: 10 ms; 0 logs every operation (for tests and short investigations).</value>
    public double ThresholdMs { get; set; } = 10;

    /// <summary>Gets or sets a value indicating whether the log shows keys; otherwise it shows their hashes only.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool IncludeKeys { get; set; }

    /// <summary>Gets or sets how many operations the log keeps; older ones give way.</summary>
    /// <value>Default: 128; 1 to 10,000.</value>
    public int MaxLength { get; set; } = 128;
}
