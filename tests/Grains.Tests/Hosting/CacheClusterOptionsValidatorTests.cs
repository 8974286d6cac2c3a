using CacheCluster.Hosting;

namespace CacheCluster.Tests.Hosting;

public sealed class CacheClusterOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid()
    {
        Assert.True(new CacheClusterOptionsValidator().Validate(null, new CacheClusterOptions()).Succeeded);
    }

    [Theory]
    [InlineData(nameof(CacheClusterOptions.SiloPort), "CacheCluster:SiloPort")]
    [InlineData(nameof(CacheClusterOptions.GatewayPort), "CacheCluster:GatewayPort")]
    [InlineData(nameof(CacheClusterOptions.ClusterId), "CacheCluster:ClusterId")]
    [InlineData(nameof(CacheClusterOptions.ServiceId), "CacheCluster:ServiceId")]
    [InlineData(nameof(CacheClusterOptions.AdvertisedIP), "CacheCluster:AdvertisedIP")]
    [InlineData(nameof(CacheClusterOptions.Redis), "CacheCluster:Redis")]
    [InlineData(nameof(CacheClusterOptions.MaxValueBytes), "CacheCluster:MaxValueBytes")]
    [InlineData(nameof(CacheClusterOptions.MaxKeyBytes), "CacheCluster:MaxKeyBytes")]
    public void BadValue_FailureNamesTheConfigurationKey(string property, string configurationKey)
    {
        var options = new CacheClusterOptions();
        switch (property)
        {
            case nameof(CacheClusterOptions.SiloPort): options.SiloPort = 0; break;
            case nameof(CacheClusterOptions.GatewayPort): options.GatewayPort = 70000; break;
            case nameof(CacheClusterOptions.ClusterId): options.ClusterId = " "; break;
            case nameof(CacheClusterOptions.ServiceId): options.ServiceId = "has/slash"; break;
            case nameof(CacheClusterOptions.AdvertisedIP): options.AdvertisedIP = "not-an-ip"; break;
            case nameof(CacheClusterOptions.Redis): options.Redis = "127.0.0.1:6379,password=hunter2,bogus-option=1"; break;
            case nameof(CacheClusterOptions.MaxValueBytes): options.MaxValueBytes = 65 * 1024 * 1024; break;
            case nameof(CacheClusterOptions.MaxKeyBytes): options.MaxKeyBytes = 0; break;
        }

        var result = new CacheClusterOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(configurationKey, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void SamePortTwice_IsRejected()
    {
        var result = new CacheClusterOptionsValidator().Validate(null, new CacheClusterOptions { SiloPort = 30000 });

        Assert.Contains(result.Failures!, f => f.Contains("must differ", StringComparison.Ordinal));
    }

    [Fact]
    public void MaxValueBytes_Of64MiB_IsAccepted()
    {
        Assert.True(new CacheClusterOptionsValidator().Validate(null, new CacheClusterOptions { MaxValueBytes = 64 * 1024 * 1024 }).Succeeded);
    }
}
