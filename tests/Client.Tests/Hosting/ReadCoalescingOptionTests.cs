using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Hosting;

/// <summary><see cref="CacheClusterClientOptions.ReadCoalescing"/>: off by default, bound from configuration, valid either way.</summary>
public sealed class ReadCoalescingOptionTests
{
    [Fact]
    public void ReadCoalescing_IsBoundFromConfiguration_AndDefaultsToFalse()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:ReadCoalescing"] = "true" }).Build();
        using var bound = new ServiceCollection().AddCacheClusterClient(configuration).BuildServiceProvider();
        using var plain = new ServiceCollection().AddCacheClusterClient().BuildServiceProvider();

        Assert.True(bound.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value.ReadCoalescing);
        Assert.False(plain.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value.ReadCoalescing);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ReadCoalescing_EitherValue_PassesValidation(bool value)
    {
        var options = new CacheClusterClientOptions { ReadCoalescing = value };

        Assert.True(new CacheClusterClientOptionsValidator().Validate(null, options).Succeeded);
    }
}
