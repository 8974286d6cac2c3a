using CacheCluster.Http.Entries;
using CacheCluster.Tests.Hardening;
using Microsoft.AspNetCore.Http;

namespace CacheCluster.Tests.Entries;

/// <summary>PUT bodies are read into pooled buffers as bytes arrive: nothing is allocated for what is only announced.</summary>
public sealed class RequestBodyTests
{
    private const int Limit = 1024 * 1024;

    private static HttpRequest Request(Stream body, long? contentLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = body;
        context.Request.ContentLength = contentLength;
        return context.Request;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(RequestBody.FirstBufferBytes)]
    [InlineData(RequestBody.FirstBufferBytes + 1)]
    [InlineData(Limit)]
    public async Task Body_WithOrWithoutContentLength_IsReadExactly(int length)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        Assert.Equal(data, await RequestBody.ReadAsync(Request(new MemoryStream(data), length), Limit, CancellationToken.None));
        Assert.Equal(data, await RequestBody.ReadAsync(Request(new UnknownLengthStream(data), null), Limit, CancellationToken.None));
    }

    [Fact]
    public async Task ChunkedBody_OverTheLimit_Is413_AfterAtMostTheLimitRead()
    {
        var body = new UnknownLengthStream(new byte[Limit + 100_000]);

        var error = await Assert.ThrowsAsync<CacheValueTooLargeException>(() => RequestBody.ReadAsync(Request(body, null), Limit, CancellationToken.None));

        Assert.Contains(Limit.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnnouncedLimit_WithFewBytesSent_AllocatesWhatArrived_NotTheAnnouncement()
    {
        // Warm the pool and the code path, then measure one read that announces 1 MiB and sends 10 bytes.
        await Assert.ThrowsAsync<BadHttpRequestException>(() => RequestBody.ReadAsync(Request(new MemoryStream(new byte[10]), Limit), Limit, CancellationToken.None));
        var before = GC.GetAllocatedBytesForCurrentThread();

        await Assert.ThrowsAsync<BadHttpRequestException>(() => RequestBody.ReadAsync(Request(new MemoryStream(new byte[10]), Limit), Limit, CancellationToken.None));

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 64 * 1024, $"Reading 10 bytes of an announced {Limit} allocated {allocated} bytes.");
    }
}
