using CacheCluster.NearCache;

namespace CacheCluster.Internal;

/// <summary>SCAN over the key index, one bounded page of one partition per call.</summary>
internal sealed partial class ClusterCache
{
    public async Task<CacheScanPage> ScanAsync(string pattern, string cursor = CacheScanPage.Start, int count = CacheScanPage.DefaultCount, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(cursor);
        CacheKeyPattern.Parse(pattern);
        if (count is < 1 or > CacheScanPage.MaxCount)
        {
            throw new InvalidCacheRequestException($"The scan count must be between 1 and {CacheScanPage.MaxCount} (was {count}).");
        }

        var (partition, after) = ScanCursor.Parse(cursor);
        KeyScanPage page;
        monitor?.ThrowIfNotConnected(pattern, ClusterOperation.Scan);
        try
        {
            page = await client.GetGrain<IKeyScanGrain>(partition).ScanAsync(pattern, after, count).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClusterErrors.IsUnavailable(ex))
        {
            throw ClusterErrors.Unavailable(ex, pattern, ClusterOperation.Scan);
        }

        var next = page.Next is not null ? ScanCursor.Format(partition, page.Next)
            : partition + 1 < IKeyScanGrain.Partitions ? ScanCursor.Format(partition + 1, null)
            : CacheScanPage.Start;
        return new CacheScanPage(page.Keys, next);
    }
}
