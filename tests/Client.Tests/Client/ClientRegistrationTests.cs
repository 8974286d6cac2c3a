using CacheCluster.Hosting;
using CacheCluster.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Client;

public sealed class ClientRegistrationTests
{
    [Theory]
    [InlineData("no-port")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    [InlineData(":30000")]
    public void BadGateway_IsAnOptionsError(string gateway)
    {
        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCacheClusterClient(o => o.Gateways.Add(gateway)));

        Assert.Contains(gateway, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadDefaults_AreOptionsErrors()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCacheClusterClient(o =>
        {
            o.ConnectTimeout = TimeSpan.Zero;
            o.ResponseTimeout = TimeSpan.FromSeconds(-1);
            o.Serializer = null!;
            o.DefaultEntryOptions = new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(1), FreshFor = TimeSpan.FromSeconds(2) };
        }));

        Assert.Equal(4, error.Failures.Count());
    }

    [Fact]
    public void GatewayListRefreshPeriod_ReachesOrleans_AndIsChecked()
    {
        using var provider = new ServiceCollection()
            .AddCacheClusterClient(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(3))
            .BuildServiceProvider();

        Assert.Equal(TimeSpan.FromSeconds(3), provider.GetRequiredService<IOptions<Orleans.Configuration.GatewayOptions>>().Value.GatewayListRefreshPeriod);
        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCacheClusterClient(o => o.GatewayListRefreshPeriod = TimeSpan.Zero));
        Assert.Contains("GatewayListRefreshPeriod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_ProvidesClusterCacheAndClient()
    {
        var services = new ServiceCollection().AddCacheClusterClient(o => o.Gateways.Add("127.0.0.1:30001"));

        Assert.Contains(services, d => d.ServiceType == typeof(IClusterCache));
        Assert.Contains(services, d => d.ServiceType == typeof(IClusterClient));
    }

    [Fact]
    public void Serializer_RoundTripsJsonStringsAndBytes()
    {
        var serializer = CacheSerializer.Default;

        Assert.Equal(new[] { 1, 2 }, serializer.Deserialize<int[]>(serializer.Serialize(new[] { 1, 2 })));
        Assert.Equal("plain", serializer.Deserialize<string>(serializer.Serialize("plain")));
        Assert.Equal("text/plain; charset=utf-8", serializer.Serialize("plain").ContentType);
        Assert.Equal(new byte[] { 7 }, serializer.Deserialize<byte[]>(serializer.Serialize(new byte[] { 7 })));
        Assert.Throws<CacheSerializationException>(() => serializer.Deserialize<int>(new CacheValue("nope"u8.ToArray(), "application/json")));
    }
}
