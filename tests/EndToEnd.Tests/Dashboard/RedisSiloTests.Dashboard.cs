using System.Net;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>The Redis-mode silo process serves no dashboard unless <c>CacheCluster:Dashboard:Enabled</c> says so.</summary>
public sealed partial class RedisSiloTests
{
    [Fact]
    public async Task Dashboard_InRedisMode_IsOffByDefault()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Http.GetAsync("dashboard/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Http.GetAsync("dashboard/login")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Http.GetAsync("dashboard/DashboardCounters")).StatusCode);
    }
}
