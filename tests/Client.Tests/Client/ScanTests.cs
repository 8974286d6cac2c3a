using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Client;

/// <summary><see cref="IClusterCache.ScanAsync"/>: bounded pages through the key index's partitions, each key once.</summary>
[Collection(CoHostedSiloCollection.Name)]
public sealed class ScanTests(CoHostedSilo silo)
{
    private IClusterCache Default => silo.Host.Services.GetRequiredService<IClusterCache>();

    private IClusterCache Products => silo.Host.Services.GetRequiredKeyedService<IClusterCache>(CoHostedSilo.Products);

    [Fact]
    public async Task Scan_SmallPages_ListsEveryMatchingKeyOnce_AndEndsWithCursorZero()
    {
        var prefix = $"scan:{Guid.NewGuid():N}";
        var keys = Enumerable.Range(0, 40).Select(i => $"{prefix}:{i}").ToList();
        foreach (var key in keys)
        {
            await Default.SetAsync(key, "v");
        }

        await Default.SetAsync($"{prefix}-other", "v");

        var found = new List<string>();
        var pages = 0;
        var cursor = CacheScanPage.Start;
        do
        {
            var page = await Default.ScanAsync($"{prefix}:*", cursor, count: 3);
            Assert.InRange(page.Keys.Count, 0, 3);
            found.AddRange(page.Keys);
            cursor = page.Cursor;
            pages++;
        }
        while (cursor != CacheScanPage.Start);

        Assert.Equal(keys.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
        Assert.True(pages >= IKeyScanGrain.Partitions, $"{pages} pages");
    }

    [Fact]
    public async Task Scan_RemovedKey_IsNotListed()
    {
        var prefix = $"scan:{Guid.NewGuid():N}";
        await Default.SetAsync($"{prefix}:kept", "v");
        await Default.SetAsync($"{prefix}:gone", "v");
        await Default.RemoveAsync($"{prefix}:gone");

        Assert.Equal([$"{prefix}:kept"], await ScanAllAsync(Default, $"{prefix}:*"));
    }

    [Fact]
    public async Task Scan_NamedCache_ListsItsOwnKeysWithoutThePrefix()
    {
        var id = Guid.NewGuid().ToString("N");
        await Products.SetAsync($"{id}:a", "v");
        await Default.SetAsync($"{id}:b", "v");

        Assert.Equal([$"{id}:a"], await ScanAllAsync(Products, $"{id}:*"));
    }

    [Fact]
    public async Task Scan_BadInput_IsTyped()
    {
        await Assert.ThrowsAsync<InvalidCacheRequestException>(() => Default.ScanAsync("*", "16"));
        await Assert.ThrowsAsync<InvalidCacheRequestException>(() => Default.ScanAsync("*", "3.!!"));
        await Assert.ThrowsAsync<InvalidCacheRequestException>(() => Default.ScanAsync("*", "x"));
        await Assert.ThrowsAsync<InvalidCacheRequestException>(() => Default.ScanAsync("*", count: 0));
        await Assert.ThrowsAsync<InvalidCacheRequestException>(() => Default.ScanAsync("*", count: CacheScanPage.MaxCount + 1));
        await Assert.ThrowsAsync<InvalidCacheOptionsException>(() => Default.ScanAsync("[a"));
    }

    private static async Task<List<string>> ScanAllAsync(IClusterCache cache, string pattern)
    {
        var found = new List<string>();
        var cursor = CacheScanPage.Start;
        do
        {
            var page = await cache.ScanAsync(pattern, cursor, CacheScanPage.MaxCount);
            found.AddRange(page.Keys);
            cursor = page.Cursor;
        }
        while (cursor != CacheScanPage.Start);

        return found;
    }
}
