using CacheCluster.Http.Edges;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace CacheCluster.Tests.Edges;

/// <summary>Which Host values the API answers: loopback names by default when keyless, AllowedHosts when set.</summary>
public sealed class HostAllowListTests
{
    private static HostAllowList Create(string? allowedHosts, bool keys) =>
        HostAllowList.Create(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AllowedHosts"] = allowedHosts }).Build(), keys);

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("LOCALHOST:5080", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.1:41234", true)]
    [InlineData("[::1]", true)]
    [InlineData("[::1]:5080", true)]
    [InlineData("attacker.example", false)]
    [InlineData("attacker.example:5080", false)]
    [InlineData("localhost.attacker.example", false)]
    [InlineData("127.0.0.2", false)]
    [InlineData("0.0.0.0:5080", false)]
    [InlineData("", false)]
    public void Keyless_WithoutAllowedHosts_AcceptsOnlyLoopbackNames(string host, bool allowed) =>
        Assert.Equal(allowed, Create(null, keys: false).Allows(new HostString(host)));

    [Fact]
    public void WithKeys_WithoutAllowedHosts_AcceptsAnyHost()
    {
        var hosts = Create(null, keys: true);

        Assert.True(hosts.Allows(new HostString("cache.example.com:443")));
        Assert.True(hosts.Allows(new HostString(string.Empty)));
    }

    [Fact]
    public void AllowedHosts_ReplacesTheDefault_WithWildcards()
    {
        var hosts = Create("cache.internal; *.example.com", keys: false);

        Assert.True(hosts.Allows(new HostString("cache.internal:5080")));
        Assert.True(hosts.Allows(new HostString("api.example.com")));
        Assert.False(hosts.Allows(new HostString("localhost")));
        Assert.False(hosts.Allows(new HostString("example.org")));
        Assert.Equal("cache.internal, *.example.com", hosts.Description);
    }

    [Fact]
    public void AllowedHostsStar_AcceptsAnyHost_EvenKeyless() =>
        Assert.True(Create("*", keys: false).Allows(new HostString("attacker.example")));
}
