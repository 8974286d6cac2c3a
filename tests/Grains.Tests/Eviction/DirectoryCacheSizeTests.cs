using CacheCluster.Hosting;
using Orleans.Hosting;

namespace CacheCluster.Tests.Eviction;

public sealed class DirectoryCacheSizeTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData(null, 5_000, 5_000)]
    [InlineData(null, 10, 1_000)]
    [InlineData(256, null, 33_554)]
    [InlineData(256, 5_000, 5_000)]
    [InlineData(64, 1_000_000, 8_388)]
    public void BoundedSilo_KeepsOrleansDirectoryCacheWithinItsBounds(int? maxMemoryMB, int? maxEntries, int? expected)
    {
        var options = new EvictionOptions { MaxMemoryMB = maxMemoryMB, MaxEntries = maxEntries };

        Assert.Equal(expected, CacheClusterEvictionExtensions.DirectoryCacheSize(options));
    }
}
