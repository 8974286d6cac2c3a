using System.Globalization;
using System.Net;
using System.Text.Json;
using CacheCluster.Tests.Http;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>The HTTP API of the Redis-mode silo process: HEAD, increment, rate limits and liveness.</summary>
public sealed partial class RedisSiloTests
{
    [Fact]
    public async Task Http_HeadAndIncrement_AnswerFromTheSiloProcess()
    {
        var http = fixture.Http;
        var key = NewKey();
        var put = await http.PutKeyAsync(key, "hello");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        var head = await http.SendAsync(HttpCalls.Request(HttpMethod.Head, HttpCalls.PathOf(key)));
        var missing = await http.SendAsync(HttpCalls.Request(HttpMethod.Head, HttpCalls.PathOf(NewKey())));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(5, head.Content.Headers.ContentLength);
        Assert.Equal("text/plain", head.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpAssert.Header(put, "ETag"), HttpAssert.Header(head, "ETag"));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Empty(await missing.Content.ReadAsByteArrayAsync());

        var counter = NewKey();
        var byFive = await http.PostAsync(HttpCalls.PathOf(counter) + "/increment?by=5", content: null);
        var byOne = await http.PostAsync(HttpCalls.PathOf(counter) + "/increment", content: null);
        var notInteger = await http.PostAsync(HttpCalls.PathOf(key) + "/increment", content: null);

        Assert.Equal((HttpStatusCode.OK, 5), (byFive.StatusCode, await ValueOfAsync(byFive)));
        Assert.Equal((HttpStatusCode.OK, 6), (byOne.StatusCode, await ValueOfAsync(byOne)));
        Assert.Equal($"\"{long.Parse(HttpAssert.Header(byFive, "ETag").Trim('"'), CultureInfo.InvariantCulture) + 1}\"", HttpAssert.Header(byOne, "ETag"));
        Assert.Equal(6L, (await Cache.TryGetAsync<long>(counter)).Value);
        await HttpAssert.ProblemAsync(notInteger, HttpStatusCode.Conflict, "not-integer");
    }

    [Fact]
    public async Task Http_RateLimitAndLive_AllowTheCapacity_Then429WithRetryAfter()
    {
        var http = fixture.Http;
        var path = $"/v1/ratelimit/{RedisSiloFixture.Policy}/{Guid.NewGuid():N}";

        var live = await http.GetAsync("/health/live");
        var first = await http.PostAsync(path, content: null);
        var second = await http.PostAsync(path, content: null);
        var limited = await http.PostAsync(path, content: null);

        Assert.Equal((HttpStatusCode.OK, "Healthy"), (live.StatusCode, await live.Content.ReadAsStringAsync()));
        var period = (long)RedisSiloFixture.PolicyPeriod.TotalSeconds;
        var policy = $"\"{RedisSiloFixture.Policy}\";q=2;w={period}";
        foreach (var (response, remaining) in new[] { (first, 1), (second, 0) })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal((true, 2, remaining), (body.RootElement.GetProperty("allowed").GetBoolean(), body.RootElement.GetProperty("limit").GetInt32(), body.RootElement.GetProperty("remaining").GetInt32()));
            Assert.Equal(policy, HttpAssert.Header(response, "RateLimit-Policy"));
        }

        await HttpAssert.ProblemAsync(limited, HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.Equal(policy, HttpAssert.Header(limited, "RateLimit-Policy"));

        // One token comes back an hour after the first was taken.
        var retryAfter = long.Parse(HttpAssert.Header(limited, "Retry-After"), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, period - (long)Timeout.TotalSeconds, period);
    }

    private static async Task<long> ValueOfAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("value").GetInt64();
    }
}
