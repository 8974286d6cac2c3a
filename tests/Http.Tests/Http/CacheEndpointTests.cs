using System.Net;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

[Collection(HttpCollection.Name)]
public sealed class CacheEndpointTests(HttpClusterFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Put_NewKey_Answers201WithETag_AndGetServesBytesWithCachingHeaders()
    {
        var key = CacheTestCluster.NewKey("http");
        var put = await Client.PutAsync(HttpCalls.PathOf(key), "{\"a\":1}", "application/json", ("Cache-Control", "max-age=60, stale-while-revalidate=30"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var etag = HttpAssert.Header(put, "ETag");
        Assert.Matches("^\"[0-9]+\"$", etag);
        var written = fixture.Cluster.Clock.GetUtcNow();

        fixture.Cluster.Clock.Advance(TimeSpan.FromSeconds(20));
        var get = await Client.GetKeyAsync(key);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("{\"a\":1}", await get.Content.ReadAsStringAsync());
        Assert.Equal("application/json", get.Content.Headers.ContentType?.ToString());
        Assert.Equal(etag, HttpAssert.Header(get, "ETag"));
        Assert.Equal("max-age=40, stale-while-revalidate=30", HttpAssert.Header(get, "Cache-Control"));
        Assert.Equal("0", HttpAssert.Header(get, "Age"));
        Assert.Equal("CacheCluster; hit; ttl=40", HttpAssert.Header(get, "Cache-Status"));
        Assert.Equal(written.ToString("r"), HttpAssert.Header(get, "Last-Modified"));
        Assert.Equal(fixture.Cluster.Clock.GetUtcNow().ToString("r"), HttpAssert.Header(get, "Date"));
        Assert.Equal("Authorization", HttpAssert.Header(get, "Vary"));
        Assert.Equal("none", HttpAssert.Header(get, "Accept-Ranges"));
    }

    [Fact]
    public async Task Get_StaleEntry_SaysStaleInCacheStatus_AndMissingAfterHardExpiry()
    {
        var key = CacheTestCluster.NewKey("http");
        await Client.PutKeyAsync(key, "v", ("Cache-Control", "max-age=10, stale-while-revalidate=20"));

        fixture.Cluster.Clock.Advance(TimeSpan.FromSeconds(15));
        var stale = await Client.GetKeyAsync(key);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Equal("CacheCluster; hit; ttl=-5", HttpAssert.Header(stale, "Cache-Status"));
        Assert.Equal("0", HttpAssert.Header(stale, "Age"));
        Assert.Equal("max-age=0, stale-while-revalidate=15", HttpAssert.Header(stale, "Cache-Control"));

        fixture.Cluster.Clock.Advance(TimeSpan.FromSeconds(15));
        var gone = await Client.GetKeyAsync(key);
        await HttpAssert.ProblemAsync(gone, HttpStatusCode.NotFound, "key-not-found");
    }

    [Fact]
    public async Task Get_EntryWithoutExpiry_SaysNoCacheSoSharedCachesRevalidate_AndAPlainHit()
    {
        var key = CacheTestCluster.NewKey("http");
        await Client.PutKeyAsync(key, "forever");

        var get = await Client.GetKeyAsync(key);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("no-cache", HttpAssert.Header(get, "Cache-Control"));
        Assert.Equal("CacheCluster; hit", HttpAssert.Header(get, "Cache-Status"));
    }

    [Fact]
    public async Task Put_Replacing_Answers204WithNewETag()
    {
        var key = CacheTestCluster.NewKey("http");
        var first = await Client.PutKeyAsync(key, "one");
        var second = await Client.PutKeyAsync(key, "two");

        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.NotEqual(HttpAssert.Header(first, "ETag"), HttpAssert.Header(second, "ETag"));
        Assert.Equal("two", await (await Client.GetKeyAsync(key)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_MissingKey_Answers404Problem()
    {
        var response = await Client.GetKeyAsync(CacheTestCluster.NewKey("http"));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.NotFound, "key-not-found");
        Assert.Equal("CacheCluster; fwd=uri-miss", HttpAssert.Header(response, "Cache-Status"));
        Assert.Equal("max-age=1", HttpAssert.Header(response, "Cache-Control"));
        Assert.Equal("Authorization", HttpAssert.Header(response, "Vary"));
    }

    [Fact]
    public async Task Get_EntryWithPolicyButNoFreshness_SaysNoCache_WhileSharedMaxAgeOrNoStoreKeepTheirOwn()
    {
        var publicKey = CacheTestCluster.NewKey("http");
        await Client.PutKeyAsync(publicKey, "v", ("Cache-Control", "public"));
        Assert.Equal("public, no-cache", HttpAssert.Header(await Client.GetKeyAsync(publicKey), "Cache-Control"));

        var sharedKey = CacheTestCluster.NewKey("http");
        await Client.PutKeyAsync(sharedKey, "v", ("Cache-Control", "public, s-maxage=30"));
        Assert.Equal("public, s-maxage=30", HttpAssert.Header(await Client.GetKeyAsync(sharedKey), "Cache-Control"));

        var noStoreKey = CacheTestCluster.NewKey("http");
        await Client.PutKeyAsync(noStoreKey, "v", ("Cache-Control", "no-store"));
        Assert.Equal("no-store", HttpAssert.Header(await Client.GetKeyAsync(noStoreKey), "Cache-Control"));
    }

    [Fact]
    public async Task Head_AnswersHeadersWithoutBody()
    {
        var key = CacheTestCluster.NewKey("http");
        var put = await Client.PutKeyAsync(key, "hello", ("Cache-Control", "max-age=60"));

        var head = await Client.SendAsync(HttpCalls.Request(HttpMethod.Head, HttpCalls.PathOf(key)));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(HttpAssert.Header(put, "ETag"), HttpAssert.Header(head, "ETag"));
        Assert.Equal(5, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal("max-age=60", HttpAssert.Header(head, "Cache-Control"));
    }

    [Fact]
    public async Task Put_PolicyDirectives_BecomeTheEntrysPolicy()
    {
        var key = CacheTestCluster.NewKey("http");
        await Client.PutKeyAsync(key, "v", ("Cache-Control", "public, max-age=100, s-maxage=300, must-revalidate, immutable, stale-if-error=600, no-store"));
        var get = await Client.GetKeyAsync(key);
        Assert.Equal("public, no-store, must-revalidate, immutable, max-age=100, s-maxage=300, stale-if-error=600", HttpAssert.Header(get, "Cache-Control"));

        var info = await fixture.Cluster.Grain(key).GetInfoAsync();
        Assert.Equal(new CacheHttpPolicy { Public = true, NoStore = true, MustRevalidate = true, Immutable = true, SharedMaxAge = TimeSpan.FromSeconds(300), StaleIfError = TimeSpan.FromSeconds(600) }, info!.HttpPolicy);

        var privateKey = CacheTestCluster.NewKey("http");
        await Client.PutKeyAsync(privateKey, "v", ("Cache-Control", "private, max-age=5"));
        Assert.Equal("private, max-age=5", HttpAssert.Header(await Client.GetKeyAsync(privateKey), "Cache-Control"));
    }

    [Fact]
    public async Task Put_QueryTtlAndFresh_SetTheExpiry()
    {
        var key = CacheTestCluster.NewKey("http");
        var put = await Client.PutAsync(HttpCalls.PathOf(key) + "?ttl=100&fresh=40", "v", "text/plain");
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        var get = await Client.GetKeyAsync(key);
        Assert.Equal("max-age=40, stale-while-revalidate=60", HttpAssert.Header(get, "Cache-Control"));
        var ttl = await fixture.Cluster.Grain(key).GetTimeToLiveAsync();
        Assert.Equal(TimeSpan.FromSeconds(100), ttl.TimeToLive);
    }

    [Theory]
    [InlineData("?ttl=abc", null)]
    [InlineData("?ttl=-5", null)]
    [InlineData("?ttl=10&fresh=20", null)]
    [InlineData(null, "max-age=0")]
    [InlineData(null, "max-age=10, stale-while-revalidate=x")]
    [InlineData(null, "stale-while-revalidate=10")]
    [InlineData("?ttl=10", "max-age=10")]
    public async Task Put_BadTtl_Answers400AndStoresNothing(string? query, string? cacheControl)
    {
        var key = CacheTestCluster.NewKey("http");
        var put = await Client.PutAsync(HttpCalls.PathOf(key) + query, "v", "text/plain", cacheControl is null ? [] : [("Cache-Control", cacheControl)]);

        await HttpAssert.ProblemAsync(put, HttpStatusCode.BadRequest, "invalid-options");
        Assert.False(await fixture.Cluster.Grain(key).ExistsAsync());
    }

    [Theory]
    [InlineData("bad%01key")]
    [InlineData("del%7F")]
    public async Task Put_InvalidKey_Answers400(string rawKey)
    {
        var put = await Client.PutAsync("/v1/cache/" + rawKey, "v", "text/plain");

        await HttpAssert.ProblemAsync(put, HttpStatusCode.BadRequest, "invalid-key");
    }

    [Fact]
    public async Task Put_KeyOverTheLimit_Answers400()
    {
        var put = await Client.PutKeyAsync(new string('k', 2000), "v");

        await HttpAssert.ProblemAsync(put, HttpStatusCode.BadRequest, "invalid-key");
    }

    [Fact]
    public async Task Key_WithEncodedSlashSpaceAndPercent_IsOneSegment()
    {
        var key = CacheTestCluster.NewKey("http") + "/a b%2Fc";
        Assert.Equal(HttpStatusCode.Created, (await Client.PutKeyAsync(key, "v")).StatusCode);

        Assert.True(await fixture.Cluster.Grain(key).ExistsAsync());
        Assert.Equal("v", await (await Client.GetKeyAsync(key)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Put_CacheTag_TagsTheEntry_AndGetSendsTheTagsForCdns()
    {
        var key = CacheTestCluster.NewKey("http");
        var tag = CacheTestCluster.NewKey("tag");
        await Client.PutKeyAsync(key, "v", ("Cache-Tag", $"{tag}, other"));

        var info = await fixture.Cluster.Grain(key).GetInfoAsync();
        Assert.Equal([tag, "other"], info!.Tags);
        var get = await Client.GetKeyAsync(key);
        Assert.Equal($"{tag} other", HttpAssert.Header(get, "Surrogate-Key"));
        Assert.Equal($"{tag},other", HttpAssert.Header(get, "Cache-Tag"));
        Assert.Equal($"{tag} other", HttpAssert.Header(get, "xkey"));
    }

    [Fact]
    public async Task Delete_Answers204ThenNotFound()
    {
        var key = CacheTestCluster.NewKey("http");
        await Client.PutKeyAsync(key, "v");

        Assert.Equal(HttpStatusCode.NoContent, (await Client.DeleteAsync(HttpCalls.PathOf(key))).StatusCode);
        await HttpAssert.ProblemAsync(await Client.DeleteAsync(HttpCalls.PathOf(key)), HttpStatusCode.NotFound, "key-not-found");
        Assert.False(await fixture.Cluster.Grain(key).ExistsAsync());
    }

    [Fact]
    public async Task Increment_AnswersTheNewValueAsJson()
    {
        var key = CacheTestCluster.NewKey("http");

        var first = await Client.PostAsync(HttpCalls.PathOf(key) + "/increment", null);
        var second = await Client.PostAsync(HttpCalls.PathOf(key) + "/increment?by=41", null);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("value").GetInt64());
        Assert.Equal(42, JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("value").GetInt64());
        Assert.Equal("42", await (await Client.GetKeyAsync(key)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Increment_NonInteger_Answers409_AndBadAmount400()
    {
        var key = CacheTestCluster.NewKey("http");
        await Client.PutKeyAsync(key, "abc");

        await HttpAssert.ProblemAsync(await Client.PostAsync(HttpCalls.PathOf(key) + "/increment", null), HttpStatusCode.Conflict, "not-integer");
        await HttpAssert.ProblemAsync(await Client.PostAsync(HttpCalls.PathOf(key) + "/increment?by=x", null), HttpStatusCode.BadRequest, "invalid-options");
    }

    [Fact]
    public async Task Put_ContentLengthOverTheLimit_Answers413BeforeReadingTheBody()
    {
        var key = CacheTestCluster.NewKey("http");
        var body = new CountingStream(new byte[CacheTestCluster.MaxValueBytes + 1]);
        var request = HttpCalls.Request(HttpMethod.Put, HttpCalls.PathOf(key));
        request.Content = new StreamContent(body);
        request.Content.Headers.ContentLength = CacheTestCluster.MaxValueBytes + 1;

        // As a client uploading something large would: headers first, the body only after 100 Continue, which Kestrel
        // sends only when the server starts reading the body. No timeout sends it anyway, so every byte the client
        // takes from the stream is one the server asked for.
        request.Headers.ExpectContinue = true;
        using var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = Timeout.InfiniteTimeSpan }) { BaseAddress = fixture.Server.Address };

        var response = await client.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(30));

        await HttpAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "value-too-large");
        Assert.Equal(0, body.BytesRead);
        Assert.False(await fixture.Cluster.Grain(key).ExistsAsync());
    }

    [Fact]
    public async Task Put_ChunkedBodyOverTheLimit_Answers413()
    {
        var key = CacheTestCluster.NewKey("http");
        var request = HttpCalls.Request(HttpMethod.Put, HttpCalls.PathOf(key));
        request.Content = new StreamContent(new MemoryStream(new byte[CacheTestCluster.MaxValueBytes + 10]));
        request.Headers.TransferEncodingChunked = true;

        var response = await Client.SendAsync(request);

        await HttpAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "value-too-large");
        Assert.False(await fixture.Cluster.Grain(key).ExistsAsync());
    }

    [Fact]
    public async Task UnknownPath_Answers404Problem()
    {
        await HttpAssert.ProblemAsync(await Client.GetAsync("/v2/nothing"), HttpStatusCode.NotFound, "not-found");
    }

    /// <summary>A request body that counts the bytes taken from it, that is, sent to the server.</summary>
    private sealed class CountingStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data, writable: false);
        private long _bytesRead;

        public long BytesRead => Interlocked.Read(ref _bytesRead);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Counted(_inner.Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Counted(_inner.Read(buffer.Span)));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Counted(int read)
        {
            Interlocked.Add(ref _bytesRead, read);
            return read;
        }
    }
}
