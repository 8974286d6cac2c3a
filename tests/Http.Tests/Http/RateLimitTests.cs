using System.Net;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

[Collection(HttpCollection.Name)]
public sealed class RateLimitTests(HttpClusterFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task RateLimit_AllowsUpToTheLimit_Then429WithRetryAfter()
    {
        var identifier = Guid.NewGuid().ToString("N");
        var path = $"/v1/ratelimit/{TestPolicies.Sliding}/{identifier}";

        for (var i = 0; i < 5; i++)
        {
            var allowed = await Client.PostAsync(path, null);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Equal($"\"{TestPolicies.Sliding}\";q=5;w=10", HttpAssert.Header(allowed, "RateLimit-Policy"));
            Assert.StartsWith($"\"{TestPolicies.Sliding}\";r={4 - i};t=", HttpAssert.Header(allowed, "RateLimit"), StringComparison.Ordinal);
            Assert.False(HttpAssert.HasHeader(allowed, "Retry-After"));
        }

        var refused = await Client.PostAsync(path, null);
        await HttpAssert.ProblemAsync(refused, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Equal("10", HttpAssert.Header(refused, "Retry-After"));
        Assert.Equal($"\"{TestPolicies.Sliding}\";r=0;t=10", HttpAssert.Header(refused, "RateLimit"));
        Assert.Equal($"\"{TestPolicies.Sliding}\";q=5;w=10", HttpAssert.Header(refused, "RateLimit-Policy"));

        fixture.Cluster.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, (await Client.PostAsync(path, null)).StatusCode);
    }

    [Fact]
    public async Task RateLimit_Permits_AreTakenAtOnce_AndTheBodySaysWhatIsLeft()
    {
        var response = await Client.PostAsync($"/v1/ratelimit/{TestPolicies.Fixed}/{Guid.NewGuid():N}?permits=4", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(body.GetProperty("allowed").GetBoolean());
        Assert.Equal(10, body.GetProperty("limit").GetInt64());
        Assert.Equal(6, body.GetProperty("remaining").GetInt64());
    }

    [Fact]
    public async Task RateLimit_BadRequests_AnswerProblems()
    {
        await HttpAssert.ProblemAsync(await Client.PostAsync($"/v1/ratelimit/nosuchpolicy/{Guid.NewGuid():N}", null), HttpStatusCode.NotFound, "unknown-policy");
        await HttpAssert.ProblemAsync(await Client.PostAsync($"/v1/ratelimit/{TestPolicies.Fixed}/x?permits=abc", null), HttpStatusCode.BadRequest, "invalid-ratelimit-request");
        await HttpAssert.ProblemAsync(await Client.PostAsync($"/v1/ratelimit/{TestPolicies.Fixed}/x?permits=11", null), HttpStatusCode.BadRequest, "invalid-ratelimit-request");
    }
}
