using Microsoft.AspNetCore.Http;

namespace CacheCluster.Http.Entries;

/// <summary>Reads a request body whole, refusing it as soon as it passes the limit.</summary>
internal static class RequestBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            var data = new byte[length];
            var read = await request.Body.ReadAtLeastAsync(data, data.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < data.Length)
            {
                throw new BadHttpRequestException($"The body ended after {read} of the {length} bytes Content-Length announced.");
            }

            return data;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int count;
        while ((count = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + count > limit)
            {
                throw new CacheValueTooLargeException(buffer.Length + count, limit) { Operation = "Set" };
            }

            buffer.Write(chunk, 0, count);
        }

        return buffer.ToArray();
    }
}
