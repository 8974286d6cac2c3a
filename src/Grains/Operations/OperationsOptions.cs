namespace CacheCluster.Hosting;

/// <summary>
/// What a silo keeps for its operators, bound from the <c>CacheCluster</c> section: the slow log
/// (<c>CacheCluster:SlowLog:*</c>) and the hot-key sketch (<c>CacheCluster:HotKeys:*</c>).
/// </summary>
public sealed class OperationsOptions
{
    /// <summary>Gets the slow log's settings, from <c>CacheCluster:SlowLog</c>.</summary>
    public SlowLogOptions SlowLog { get; } = new();

    /// <summary>Gets the hot-key sketch's settings, from <c>CacheCluster:HotKeys</c>.</summary>
    public HotKeyOptions HotKeys { get; } = new();
}
