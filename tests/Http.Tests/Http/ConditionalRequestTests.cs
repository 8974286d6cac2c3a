using System.Globalization;
using System.Net;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary>RFC 9110 §13 preconditions on GET, HEAD and PUT.</summary>
[Collection(HttpCollection.Name)]
public sealed class ConditionalRequestTests(HttpClusterFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private async Task<(string Key, string ETag, DateTimeOffset LastModified)> WriteAsync(string value = "v")
    {
        var key = CacheTestCluster.NewKey("cond");
        var put = await Client.PutKeyAsync(key, value, ("Cache-Control", "max-age=600"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var lastModified = fixture.Cluster.Clock.GetUtcNow();
        fixture.Cluster.Clock.Advance(TimeSpan.FromSeconds(10));
        return (key, HttpAssert.Header(put, "ETag"), lastModified);
    }

    private static string Weak(string etag) => "W/" + etag;

    private static async Task AssertNotModifiedAsync(HttpResponseMessage response, string etag)
    {
        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Equal(etag, HttpAssert.Header(response, "ETag"));
        Assert.Equal("max-age=590", HttpAssert.Header(response, "Cache-Control"));
        Assert.True(HttpAssert.HasHeader(response, "Date"));
        Assert.Equal("Authorization", HttpAssert.Header(response, "Vary"));
        Assert.False(HttpAssert.HasHeader(response, "Last-Modified"));
        Assert.False(HttpAssert.HasHeader(response, "Content-Type"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task IfNoneMatch_SameTag_Answers304WithValidatorsAndNoBody()
    {
        var (key, etag, _) = await WriteAsync();

        await AssertNotModifiedAsync(await Client.GetKeyAsync(key, ("If-None-Match", etag)), etag);
        await AssertNotModifiedAsync(await Client.SendAsync(HttpCalls.Request(HttpMethod.Head, HttpCalls.PathOf(key), ("If-None-Match", etag))), etag);
    }

    [Fact]
    public async Task IfNoneMatch_UsesWeakComparison_ListsAndStar()
    {
        var (key, etag, _) = await WriteAsync();

        await AssertNotModifiedAsync(await Client.GetKeyAsync(key, ("If-None-Match", Weak(etag))), etag);
        await AssertNotModifiedAsync(await Client.GetKeyAsync(key, ("If-None-Match", $"\"other\", {etag}")), etag);
        await AssertNotModifiedAsync(await Client.GetKeyAsync(key, ("If-None-Match", "*")), etag);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetKeyAsync(key, ("If-None-Match", "\"other\", W/\"1\""))).StatusCode);
    }

    [Theory]
    [InlineData("If-None-Match", "*, \"1\"")]
    [InlineData("If-Match", "\"1\", *")]
    [InlineData("If-Match", "not-a-tag")]
    public async Task MalformedTagList_Answers400(string header, string value)
    {
        var (key, _, _) = await WriteAsync();

        await HttpAssert.ProblemAsync(await Client.GetKeyAsync(key, (header, value)), HttpStatusCode.BadRequest, "invalid-header");
    }

    [Theory]
    [InlineData("If-None-Match", "w/\"1\"")]
    [InlineData("If-Match", "\"1\", w/\"2\"")]
    [InlineData("If-None-Match", "*, *")]
    public void Parse_LowerCaseWeakOrRepeatedStar_IsRejected(string header, string value)
    {
        // HttpClient normalizes 'w/' before sending, so the parser is checked directly.
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Headers[header] = value;

        Assert.Throws<CacheCluster.Http.Problems.HttpRequestHeaderException>(() => CacheCluster.Http.Entries.Preconditions.Parse(context.Request));
    }

    [Fact]
    public async Task IfMatch_UsesStrongComparison()
    {
        var (key, etag, _) = await WriteAsync();

        Assert.Equal(HttpStatusCode.OK, (await Client.GetKeyAsync(key, ("If-Match", etag))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetKeyAsync(key, ("If-Match", $"\"x\", {etag}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetKeyAsync(key, ("If-Match", "*"))).StatusCode);
        await HttpAssert.ProblemAsync(await Client.GetKeyAsync(key, ("If-Match", Weak(etag))), HttpStatusCode.PreconditionFailed, "precondition-failed");
        await HttpAssert.ProblemAsync(await Client.GetKeyAsync(key, ("If-Match", "\"1\"")), HttpStatusCode.PreconditionFailed, "precondition-failed");
    }

    [Fact]
    public async Task IfUnmodifiedSince_FailsWhenModifiedLater_AndIsIgnoredWithIfMatch()
    {
        var (key, etag, lastModified) = await WriteAsync();
        var before = Imf(lastModified.AddSeconds(-5));

        await HttpAssert.ProblemAsync(await Client.GetKeyAsync(key, ("If-Unmodified-Since", before)), HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.Equal(HttpStatusCode.OK, (await Client.GetKeyAsync(key, ("If-Unmodified-Since", Imf(lastModified)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetKeyAsync(key, ("If-Match", etag), ("If-Unmodified-Since", before))).StatusCode);
    }

    public static TheoryData<string> DateFormats => ["imf", "rfc850", "asctime"];

    [Theory]
    [MemberData(nameof(DateFormats))]
    public async Task IfModifiedSince_AcceptsAllThreeDateFormats(string format)
    {
        var (key, etag, lastModified) = await WriteAsync();

        await AssertNotModifiedAsync(await Client.GetKeyAsync(key, ("If-Modified-Since", Format(lastModified, format))), etag);
        await AssertNotModifiedAsync(await Client.GetKeyAsync(key, ("If-Modified-Since", Format(lastModified.AddHours(1), format))), etag);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetKeyAsync(key, ("If-Modified-Since", Format(lastModified.AddSeconds(-1), format)))).StatusCode);
    }

    [Fact]
    public async Task IfModifiedSince_IsIgnoredWithIfNoneMatch_OrWhenNotAnHttpDate()
    {
        var (key, _, lastModified) = await WriteAsync();

        Assert.Equal(HttpStatusCode.OK, (await Client.GetKeyAsync(key, ("If-None-Match", "\"other\""), ("If-Modified-Since", Imf(lastModified.AddHours(1))))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetKeyAsync(key, ("If-Modified-Since", lastModified.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)))).StatusCode);
    }

    [Fact]
    public async Task Preconditions_OnAMissingKey_AreIgnored()
    {
        var key = CacheTestCluster.NewKey("cond");

        await HttpAssert.ProblemAsync(await Client.GetKeyAsync(key, ("If-Match", "\"1\"")), HttpStatusCode.NotFound, "key-not-found");
    }

    [Fact]
    public async Task Put_IfNoneMatchStar_CreatesOnly()
    {
        var key = CacheTestCluster.NewKey("cond");

        Assert.Equal(HttpStatusCode.Created, (await Client.PutKeyAsync(key, "one", ("If-None-Match", "*"))).StatusCode);
        await HttpAssert.ProblemAsync(await Client.PutKeyAsync(key, "two", ("If-None-Match", "*")), HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.Equal("one", await (await Client.GetKeyAsync(key)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Put_IfMatch_IsCompareAndSetOnTheVersion()
    {
        var (key, etag, _) = await WriteAsync("one");

        var replaced = await Client.PutKeyAsync(key, "two", ("If-Match", etag));
        Assert.Equal(HttpStatusCode.NoContent, replaced.StatusCode);
        Assert.NotEqual(etag, HttpAssert.Header(replaced, "ETag"));

        await HttpAssert.ProblemAsync(await Client.PutKeyAsync(key, "three", ("If-Match", etag)), HttpStatusCode.PreconditionFailed, "precondition-failed");
        await HttpAssert.ProblemAsync(await Client.PutKeyAsync(key, "three", ("If-Match", Weak(HttpAssert.Header(replaced, "ETag")))), HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.Equal("two", await (await Client.GetKeyAsync(key)).Content.ReadAsStringAsync());

        var missing = CacheTestCluster.NewKey("cond");
        await HttpAssert.ProblemAsync(await Client.PutKeyAsync(missing, "x", ("If-Match", "*")), HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.False(await fixture.Cluster.Grain(missing).ExistsAsync());
    }

    [Fact]
    public async Task Put_IfNoneMatchTag_AndIfUnmodifiedSince_Answer412WhenFalse()
    {
        var (key, etag, lastModified) = await WriteAsync("one");

        await HttpAssert.ProblemAsync(await Client.PutKeyAsync(key, "two", ("If-None-Match", Weak(etag))), HttpStatusCode.PreconditionFailed, "precondition-failed");
        await HttpAssert.ProblemAsync(await Client.PutKeyAsync(key, "two", ("If-Unmodified-Since", Imf(lastModified.AddSeconds(-1)))), HttpStatusCode.PreconditionFailed, "precondition-failed");
        Assert.Equal(HttpStatusCode.NoContent, (await Client.PutKeyAsync(key, "two", ("If-Unmodified-Since", Imf(lastModified)))).StatusCode);
    }

    private static string Imf(DateTimeOffset time) => time.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    private static string Format(DateTimeOffset time, string format)
    {
        var utc = time.UtcDateTime;
        return format switch
        {
            "imf" => utc.ToString("ddd, dd MMM yyyy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture),
            "rfc850" => utc.ToString("dddd, dd-MMM-yy HH:mm:ss 'GMT'", CultureInfo.InvariantCulture),
            _ => utc.ToString("ddd MMM ", CultureInfo.InvariantCulture) + utc.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + utc.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture),
        };
    }
}
