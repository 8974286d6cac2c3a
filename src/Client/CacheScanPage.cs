namespace CacheCluster;

/// <summary>One page of <see cref="IClusterCache.ScanAsync"/>, as Redis <c>SCAN</c> answers: keys and the next cursor.</summary>
/// <param name="Keys">The live keys of this page that match the pattern; may be empty even when more pages follow.</param>
/// <param name="Cursor">The cursor for the next page; <see cref="Start"/> (<c>"0"</c>) when the scan is complete.</param>
public sealed record CacheScanPage(IReadOnlyList<string> Keys, string Cursor)
{
    /// <summary>The cursor that starts a scan, and that a scan's last page returns.</summary>
    public const string Start = "0";

    /// <summary>The number of keys a page examines unless asked otherwise.</summary>
    public const int DefaultCount = 100;

    /// <summary>The most keys one page examines.</summary>
    public const int MaxCount = IKeyScanGrain.MaxCount;

    /// <summary>Gets a value indicating whether this is the scan's last page.</summary>
    public bool IsComplete => Cursor == Start;
}
