using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace CacheCluster.Tests.Hosting;

/// <summary>A policy the configuration binder cannot read stops the silo naming its key; it is never dropped silently.</summary>
public sealed class RateLimitPolicyConfigurationTests
{
    [Theory]
    [InlineData("Algorithm", "Fixed", "'Fixed' at 'CacheCluster:RateLimits:api:Algorithm'")]
    [InlineData("Limit", "ten", "'ten' at 'CacheCluster:RateLimits:api:Limit'")]
    [InlineData("Limt", "10", "'Limt'")]
    public void UnreadablePolicy_FailsRegistration_NamingTheKey(string key, string value, string named)
    {
        var configuration = Configuration(new()
        {
            ["CacheCluster:RateLimits:api:Algorithm"] = "FixedWindow",
            ["CacheCluster:RateLimits:api:Limit"] = "10",
            ["CacheCluster:RateLimits:api:Window"] = "00:00:10",
            [$"CacheCluster:RateLimits:api:{key}"] = value,
        });

        var error = Assert.Throws<OptionsValidationException>(() => Host.CreateEmptyApplicationBuilder(new()).UseOrleans(silo => silo.AddCacheClusterRateLimiting(configuration)));

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("CacheCluster:RateLimits:api cannot be read: ", failure, StringComparison.Ordinal);
        Assert.Contains(named, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadablePolicies_AreRegistered()
    {
        var configuration = Configuration(new()
        {
            ["CacheCluster:RateLimits:api:Algorithm"] = "FixedWindow",
            ["CacheCluster:RateLimits:api:Limit"] = "10",
            ["CacheCluster:RateLimits:api:Window"] = "00:00:10",
        });
        var builder = Host.CreateEmptyApplicationBuilder(new());

        builder.UseOrleans(silo => silo.AddCacheClusterRateLimiting(configuration));

        var options = builder.Services.BuildServiceProvider().GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        Assert.Equal(10, Assert.Single(options.RateLimits).Value.Limit);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
