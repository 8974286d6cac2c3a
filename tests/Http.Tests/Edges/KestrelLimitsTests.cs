using CacheCluster.Http.Edges;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Edges;

/// <summary>AddCacheClusterHttp sets Kestrel's limits to the documented defaults; Kestrel:Limits:* overrides each.</summary>
public sealed class KestrelLimitsTests
{
    private static KestrelServerLimits LimitsWith(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Services.AddCacheClusterHttp(builder.Configuration);
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var limits = LimitsWith();

        Assert.Equal(
            (1024L, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), 64, 32 * 1024, 8 * 1024),
            (limits.MaxConcurrentConnections, limits.KeepAliveTimeout, limits.RequestHeadersTimeout, limits.MaxRequestHeaderCount, limits.MaxRequestHeadersTotalSize, limits.MaxRequestLineSize));
    }

    [Fact]
    public void KestrelLimitsConfiguration_OverridesEachDefault()
    {
        var limits = LimitsWith(
            ("Kestrel:Limits:MaxConcurrentConnections", "4096"),
            ("Kestrel:Limits:KeepAliveTimeout", "00:02:00"),
            ("Kestrel:Limits:RequestHeadersTimeout", "00:00:05"),
            ("Kestrel:Limits:MaxRequestHeaderCount", "20"),
            ("Kestrel:Limits:MaxRequestBodySize", "1000"),
            ("Kestrel:Limits:Http2:MaxStreamsPerConnection", "10"));

        Assert.Equal(
            (4096L, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(5), 20, 1000L, 10, 32 * 1024),
            (limits.MaxConcurrentConnections, limits.KeepAliveTimeout, limits.RequestHeadersTimeout, limits.MaxRequestHeaderCount, limits.MaxRequestBodySize, limits.Http2.MaxStreamsPerConnection, limits.MaxRequestHeadersTotalSize));
    }
}
