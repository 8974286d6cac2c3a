using System.Net;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

[Collection(HttpCollection.Name)]
public sealed class HealthAndMetricsTests(HttpClusterFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Health_LiveAndReady_AnswerHealthy()
    {
        var live = await Client.GetAsync("/health/live");
        var ready = await Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Metrics_ExposesTheCacheCountersInPrometheusFormat()
    {
        var key = CacheTestCluster.NewKey("metrics");
        await Client.PutKeyAsync(key, "v");
        await Client.GetKeyAsync(key);

        var metrics = await Client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        var text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE cachecluster_entry_hits_total counter", text, StringComparison.Ordinal);
        Assert.Contains("cachecluster_entry_writes_total{", text, StringComparison.Ordinal);
    }
}
