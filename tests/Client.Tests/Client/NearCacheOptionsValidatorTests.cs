using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Client;

/// <summary>The near cache's bounds are checked at registration; each failure names its configuration key.</summary>
public sealed class NearCacheOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new NearCacheOptionsValidator().Validate(null, new NearCacheOptions()).Succeeded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void MaxEntries_BelowOne_IsRejected_NamingTheKey(int maxEntries)
    {
        var failure = Assert.Single(new NearCacheOptionsValidator().Validate(null, new NearCacheOptions { MaxEntries = maxEntries }).Failures!);

        Assert.StartsWith("CacheCluster:NearCache:MaxEntries must be at least 1", failure, StringComparison.Ordinal);
        Assert.Contains($"(was {maxEntries})", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData(1023L)]
    public void MaxBytes_BelowOneKiB_IsRejected_NamingTheKey(long maxBytes)
    {
        var failure = Assert.Single(new NearCacheOptionsValidator().Validate(null, new NearCacheOptions { MaxBytes = maxBytes }).Failures!);

        Assert.StartsWith("CacheCluster:NearCache:MaxBytes must be at least 1024", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("1.00:00:01")]
    public void MaxTimeToLive_NotPositiveOrOverADay_IsRejected_NamingTheKey(string maxTimeToLive)
    {
        var options = new NearCacheOptions { MaxTimeToLive = TimeSpan.Parse(maxTimeToLive, System.Globalization.CultureInfo.InvariantCulture) };

        var failure = Assert.Single(new NearCacheOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith("CacheCluster:NearCache:MaxTimeToLive must be greater than zero and at most 1 day", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Bounds_AtTheirLimits_AreAccepted()
    {
        var options = new NearCacheOptions { MaxEntries = 1, MaxBytes = 1024, MaxTimeToLive = TimeSpan.FromDays(1) };

        Assert.True(new NearCacheOptionsValidator().Validate(null, options).Succeeded);
        Assert.True(new NearCacheOptionsValidator().Validate(null, new NearCacheOptions { MaxEntries = int.MaxValue, MaxBytes = long.MaxValue, MaxTimeToLive = TimeSpan.FromTicks(1) }).Succeeded);
    }

    [Fact]
    public void BadNearCache_StopsClientRegistration_NamingTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CacheCluster:NearCache:MaxEntries"] = "-1",
        }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCacheClusterClient(configuration));

        Assert.Contains(error.Failures, f => f.StartsWith("CacheCluster:NearCache:MaxEntries ", StringComparison.Ordinal));
    }
}
