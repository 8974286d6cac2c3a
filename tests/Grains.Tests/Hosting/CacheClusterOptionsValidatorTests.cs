using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;

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
    [InlineData(nameof(CacheClusterOptions.Durability), "CacheCluster:Durability")]
    [InlineData(nameof(CacheClusterOptions.MaxWriteDelay), "CacheCluster:MaxWriteDelay")]
    [InlineData("MaxWriteDelayZero", "CacheCluster:MaxWriteDelay")]
    [InlineData(nameof(EvictionOptions.MaxMemoryMB), "CacheCluster:MaxMemoryMB")]
    [InlineData(nameof(EvictionOptions.MaxEntries), "CacheCluster:MaxEntries")]
    public void BadValue_FailureNamesTheConfigurationKey(string property, string configurationKey)
    {
        var options = new CacheClusterOptions();
        var eviction = new EvictionOptions();
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
            case nameof(CacheClusterOptions.Durability): options.Durability = (CacheDurability)7; break;
            case nameof(CacheClusterOptions.MaxWriteDelay): options.MaxWriteDelay = TimeSpan.FromSeconds(2); break;
            case "MaxWriteDelayZero": options.MaxWriteDelay = TimeSpan.Zero; break;
            case nameof(EvictionOptions.MaxMemoryMB): eviction.MaxMemoryMB = 32; break;
            case nameof(EvictionOptions.MaxEntries): eviction.MaxEntries = 0; break;
        }

        var result = property is nameof(EvictionOptions.MaxMemoryMB) or nameof(EvictionOptions.MaxEntries)
            ? new EvictionOptionsValidator().Validate(null, eviction)
            : new CacheClusterOptionsValidator().Validate(null, options);

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

public sealed class RateLimitPolicyValidationTests
{
    [Theory]
    [InlineData(RateLimitAlgorithm.FixedWindow, "CacheCluster:RateLimits:api:Window")]
    [InlineData(RateLimitAlgorithm.SlidingWindow, "CacheCluster:RateLimits:api:Window")]
    [InlineData(RateLimitAlgorithm.TokenBucket, "CacheCluster:RateLimits:api:Period")]
    [InlineData(RateLimitAlgorithm.Gcra, "CacheCluster:RateLimits:api:Period")]
    public void ZeroWindowOrPeriod_IsRejected_NamingTheKey(RateLimitAlgorithm algorithm, string key)
    {
        var options = new RateLimitingOptions();
        options.RateLimits["api"] = new RateLimitPolicyOptions { Algorithm = algorithm, Limit = 10, Capacity = 10, TokensPerPeriod = 1, Burst = 1 };

        var result = new RateLimitingOptionsValidator().Validate(null, options);

        Assert.Contains(result.Failures!, f => f.StartsWith(key + " must be", StringComparison.Ordinal));
    }

    [Fact]
    public void BadPolicy_NamesEachKey()
    {
        var options = new RateLimitingOptions();
        options.RateLimits["a/b"] = new RateLimitPolicyOptions { Algorithm = RateLimitAlgorithm.Gcra, Limit = 0, Burst = -1, Period = TimeSpan.FromSeconds(1) };

        var failures = new RateLimitingOptionsValidator().Validate(null, options).Failures!.ToArray();

        Assert.Equal(3, failures.Length);
        Assert.Contains(failures, f => f.Contains("not a valid policy name", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("CacheCluster:RateLimits:a/b:Limit", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("CacheCluster:RateLimits:a/b:Burst", StringComparison.Ordinal));
    }

    [Fact]
    public void Policies_BindFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CacheCluster:RateLimits:login:Algorithm"] = "Gcra",
            ["CacheCluster:RateLimits:login:Limit"] = "30",
            ["CacheCluster:RateLimits:login:Period"] = "00:01:00",
            ["CacheCluster:RateLimits:login:Burst"] = "5",
            ["CacheCluster:RateLimits:login:FailureMode"] = "Open",
            ["CacheCluster:RateLimits:login:ShadowMode"] = "true",
        }).Build();
        var options = new RateLimitingOptions();

        ConfigurationBinder.Bind(configuration.GetSection("CacheCluster"), options);

        var login = options.RateLimits["login"];
        Assert.Equal(RateLimitAlgorithm.Gcra, login.Algorithm);
        Assert.Equal(6, login.MaxPermits);
        Assert.Equal(RateLimitFailureMode.Open, login.FailureMode);
        Assert.True(login.ShadowMode);
        Assert.True(new RateLimitingOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("MaxMemoryMB", "0")]
    [InlineData("MaxMemoryMB", "-5")]
    [InlineData("MaxMemoryMB", "2000000")]
    [InlineData("MaxEntries", "-1")]
    public void BoundsOutOfRange_AreRejected_NamingTheKey(string key, string value)
    {
        var options = new EvictionOptions();
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"CacheCluster:{key}"] = value }).Build()
            .GetSection(CacheClusterOptions.SectionName).Bind(options);

        var failure = Assert.Single(new EvictionOptionsValidator().Validate(null, options).Failures!);

        Assert.StartsWith($"CacheCluster:{key} must be", failure, StringComparison.Ordinal);
        Assert.Contains($"(was {value})", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Bounds_InRange_AreAccepted()
    {
        Assert.True(new EvictionOptionsValidator().Validate(null, new EvictionOptions { MaxMemoryMB = 64, MaxEntries = 1 }).Succeeded);
        Assert.True(new EvictionOptionsValidator().Validate(null, new EvictionOptions { MaxMemoryMB = 1024 * 1024, MaxEntries = int.MaxValue }).Succeeded);
    }
}
