using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace CacheCluster.Http.Entries;

/// <summary>
/// Reads a request body whole into buffers rented from the shared pool as its bytes arrive, refusing it as soon as it
/// passes the limit. The body's announced <c>Content-Length</c> is never allocated up front: a caller announcing the
/// largest value and sending a byte a second costs the server what it sent, not what it announced. The value's own
/// array (exactly its length) is allocated once, at the end.
/// </summary>
internal static class RequestBody
{
    /// <summary>The first buffer rented; each next one doubles, up to the limit.</summary>
    internal const int FirstBufferBytes = 16 * 1024;

    public static async Task<byte[]> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var declared = request.ContentLength;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(FirstBufferBytes, Math.Max(1, Math.Min(declared ?? FirstBufferBytes, (long)limit + 1))));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw new CacheValueTooLargeException(length, limit) { Operation = "Set" };
                    }

                    // Room for one byte past the limit, so that a body over it is seen without reading all of it.
                    var grown = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, (long)limit + 1));
                    buffer.AsSpan(0, length).CopyTo(grown);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = grown;
                }

                var count = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (count == 0)
                {
                    break;
                }

                length += count;
                if (length > limit)
                {
                    throw new CacheValueTooLargeException(length, limit) { Operation = "Set" };
                }
            }

            if (declared is { } announced && length < announced)
            {
                throw new BadHttpRequestException($"The body ended after {length} of the {announced} bytes Content-Length announced.");
            }

            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
