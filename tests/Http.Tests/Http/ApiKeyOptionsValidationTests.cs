using CacheCluster.Http.Auth;
using CacheCluster.Http.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Http;

/// <summary>The start-up checks of issue 20's API-key settings: each failure names its key and never echoes a secret.</summary>
public sealed class ApiKeyOptionsValidationTests
{
    private static OptionsValidationException Refused(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCacheClusterHttp(configuration));
    }

    [Fact]
    public void ShortKey_IsRefused_NamingTheKeyWithoutItsSecret()
    {
        var error = Refused(new()
        {
            ["CacheCluster:Http:ApiKeys:ci:Key"] = "fifteen-chars-x",
            ["CacheCluster:Http:ApiKeys:ci:Scopes"] = "read",
            ["CacheCluster:Http:ApiKeys:ok:Key"] = "sixteen-chars-xy",
            ["CacheCluster:Http:ApiKeys:ok:Scopes"] = "read",
        });

        Assert.Equal(
            ["CacheCluster:Http:ApiKeys:ci:Key is 15 characters; an API key needs at least 16 (a random one, such as the output of 'openssl rand -hex 32')."],
            error.Failures);
    }

    [Fact]
    public void KeyPrefixes_EmptyOrOnAnAdminKey_AreRefused()
    {
        var error = Refused(new()
        {
            ["CacheCluster:Http:ApiKeys:ops:Key"] = "ops-key-0123456789",
            ["CacheCluster:Http:ApiKeys:ops:Scopes"] = "admin",
            ["CacheCluster:Http:ApiKeys:ops:KeyPrefixes:0"] = "ops:",
            ["CacheCluster:Http:ApiKeys:app:Key"] = "app-key-0123456789",
            ["CacheCluster:Http:ApiKeys:app:Scopes"] = "read",
            ["CacheCluster:Http:ApiKeys:app:KeyPrefixes:0"] = "app:",
            ["CacheCluster:Http:ApiKeys:app:KeyPrefixes:1"] = string.Empty,
        });

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.StartsWith("CacheCluster:Http:ApiKeys:ops:KeyPrefixes is set on a key with the 'admin' scope", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("CacheCluster:Http:ApiKeys:app:KeyPrefixes has an empty prefix", StringComparison.Ordinal));
    }

    [Fact]
    public void FailedKeyLimits_OutOfRange_AreRefused()
    {
        var error = Refused(new()
        {
            ["CacheCluster:Http:FailedKeyAttempts"] = "0",
            ["CacheCluster:Http:FailedKeyWindow"] = "02:00:00",
        });

        Assert.Equal(
            ["CacheCluster:Http:FailedKeyAttempts must be between 1 and 10000 (was 0).", "CacheCluster:Http:FailedKeyWindow must be greater than zero and at most 1 hour (was 02:00:00)."],
            error.Failures);
    }

    [Fact]
    public void KeyPrefixes_OneValue_IsOnePrefix_CommasIncluded()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CacheCluster:Http:ApiKeys:app:Key"] = "app-key-0123456789",
            ["CacheCluster:Http:ApiKeys:app:Scopes"] = "read",
            ["CacheCluster:Http:ApiKeys:app:KeyPrefixes"] = "app:a,b",
        }).Build();
        var services = new ServiceCollection().AddCacheClusterHttp(configuration);

        var options = services.BuildServiceProvider().GetRequiredService<IOptions<CacheClusterHttpOptions>>().Value;

        Assert.Equal(["app:a,b"], options.ApiKeys["app"].KeyPrefixes);
    }

    [Theory]
    [InlineData("tenant-a:*", "tenant-a:")]
    [InlineData("tenant-a:user?", "tenant-a:user")]
    [InlineData("tenant-a[:]x", "tenant-a")]
    [InlineData("a\\*b*", "a*b")]
    [InlineData("?*", "")]
    [InlineData("exact", "exact")]
    public void LiteralPrefix_IsTheTextBeforeTheFirstWildcard_EscapesResolved(string pattern, string prefix) =>
        Assert.Equal(prefix, KeyPrefixRules.LiteralPrefix(pattern));
}
