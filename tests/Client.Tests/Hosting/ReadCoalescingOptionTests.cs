using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Hosting;

/// <summary><see cref="CacheClusterClientOptions.ReadCoalescing"/>: on by default, bound from configuration, valid either way.</summary>
public sealed class ReadCoalescingOptionTests
{
    [Fact]
    public void ReadCoalescing_IsBoundFromConfiguration_AndDefaultsToTrue()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:ReadCoalescing"] = "false" }).Build();
        using var bound = new ServiceCollection().AddCacheClusterClient(configuration).BuildServiceProvider();
        using var plain = new ServiceCollection().AddCacheClusterClient().BuildServiceProvider();

        Assert.False(bound.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value.ReadCoalescing);
        Assert.True(plain.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value.ReadCoalescing);
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
