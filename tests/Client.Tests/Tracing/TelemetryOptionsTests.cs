using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Tracing;

/// <summary><c>CacheCluster:Telemetry:OtlpEndpoint</c> in the client options: checked at registration, turned into the traces URI.</summary>
public sealed class TelemetryOptionsTests
{
    [Theory]
    [InlineData("collector:4318")]
    [InlineData("ftp://collector/")]
    [InlineData("/v1/traces")]
    public void AddCacheClusterClient_OtlpEndpointNotAnHttpUri_FailsNamingTheKey(string endpoint)
    {
        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddCacheClusterClient(options => options.Telemetry.OtlpEndpoint = endpoint));

        var failure = Assert.Single(error.Failures);
        Assert.StartsWith("CacheCluster:Telemetry:OtlpEndpoint must be an absolute http or https URI", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://collector:4318", "http://collector:4318/v1/traces")]
    [InlineData("https://collector:4318/", "https://collector:4318/v1/traces")]
    [InlineData("http://collector/otlp/v1/traces", "http://collector/otlp/v1/traces")]
    public void OtlpEndpoint_BaseAddressOrFullUri_PostsToTheTracesUri(string endpoint, string expected) =>
        Assert.Equal(new Uri(expected), OtlpEndpoint.TracesUri(endpoint));
}
