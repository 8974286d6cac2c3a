using System.Buffers;
using System.IO.Pipelines;
using CacheCluster.Hosting;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.AspNetCore.OutputCaching;

/// <summary>
/// The output cache store over <see cref="IClusterCache"/>: a response cached by one application instance is served by
/// every other, and tag eviction (<see cref="EvictByTagAsync"/>, <see cref="IClusterCache.RemoveByTagAsync"/>, domain
/// events, <c>POST /v1/invalidate</c>) removes it on every node at once.
/// </summary>
/// <remarks>
/// <para>
/// Entries live under <see cref="CacheClusterOutputCacheServiceCollectionExtensions.KeyPrefix"/> (see
/// <see cref="OutputCacheKeys"/>) and carry the policy's tags as cluster tags, unprefixed. <c>validFor</c> is the
/// entry's hard expiry, on the cluster's clock; the entry is fresh for all of it.
/// </para>
/// <para>
/// ASP.NET Core 10's middleware writes through the buffer overload of <c>SetAsync</c>, over a pooled buffer and a leased
/// tag array that it recycles once the call returns: both are copied before the first await, the body once, into the
/// right-sized array the cluster keeps. A write that fails (tags the cluster cannot hold, a body over the cluster's value
/// limit, an unreachable cluster) throws, and the middleware logs it and serves the response uncached; nothing is
/// stored. Reads use <see cref="GetAsync"/> and return the stored array without copying it.
/// </para>
/// </remarks>
internal sealed class CacheClusterOutputCacheStore : IOutputCacheStore, IOutputCacheBufferStore
{
    /// <summary>The content type of the stored entries: ASP.NET Core's own serialization of a cached response.</summary>
    public const string ContentType = "application/vnd.cachecluster.output-cache";

    private readonly IClusterCache _cache;
    private readonly int _maxKeyBytes;

    public CacheClusterOutputCacheStore(IClusterCache cache, IOptions<CacheClusterClientOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _maxKeyBytes = options?.Value.MaxKeyBytes ?? CacheKey.DefaultMaxKeyBytes;
    }

    /// <inheritdoc />
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var value = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        return value?.Data;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryGetAsync(string key, PipeWriter destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var value = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
        if (value is null)
        {
            return false;
        }

        destination.Write(value.Data);
        return true;
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string key, byte[] value, string[]? tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);

        // The legacy overload hands over an array of its own (the middleware's is right-sized and not reused): no copy.
        var (clusterKey, options) = Prepare(key, tags is null ? [] : [.. tags], validFor);
        return WriteAsync(clusterKey, new CacheValue(value, ContentType), options, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, ReadOnlyMemory<string> tags, TimeSpan validFor, CancellationToken cancellationToken)
    {
        // The middleware recycles both buffers when this returns: copy them now, the tags first so that bad ones fail
        // before the body is copied.
        var (clusterKey, options) = Prepare(key, tags.ToArray(), validFor);
        return WriteAsync(clusterKey, new CacheValue(value.ToArray(), ContentType), options, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask EvictByTagAsync(string tag, CancellationToken cancellationToken)
    {
        CacheKey.ValidateTag(tag);
        await _cache.RemoveByTagAsync(tag, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CacheValue?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var read = await _cache.TryGetBytesAsync(OutputCacheKeys.ToClusterKey(key, _maxKeyBytes), cancellationToken).ConfigureAwait(false);

        // Anything else under the prefix (written by hand, say) is not a response: a miss, not a parse error.
        return read.Value is { } value && string.Equals(value.ContentType, ContentType, StringComparison.Ordinal) ? value : null;
    }

    private (string Key, CacheEntryOptions Options) Prepare(string key, string[] tags, TimeSpan validFor)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(validFor, TimeSpan.Zero);

        // Fresh for all of validFor, gone after it. A longer validFor than the cluster allows (3650 days) is the same
        // in practice, so it is capped rather than refused.
        var ttl = validFor < CacheEntryOptions.MaxTimeToLive ? validFor : CacheEntryOptions.MaxTimeToLive;
        var options = new CacheEntryOptions { TimeToLive = ttl, FreshFor = ttl, Tags = tags };

        // Throws InvalidCacheOptionsException for more than 64 tags, or a tag that is empty, over 256 bytes, or holds a
        // control character or a comma: before anything is copied or sent.
        options.Validate();
        return (OutputCacheKeys.ToClusterKey(key, _maxKeyBytes), options);
    }

    private async ValueTask WriteAsync(string key, CacheValue value, CacheEntryOptions options, CancellationToken cancellationToken) =>
        await _cache.SetBytesAsync(key, value, options, cancellationToken: cancellationToken).ConfigureAwait(false);
}
