using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Caching.Distributed;

/// <summary>
/// <see cref="IDistributedCache"/> and <see cref="IBufferDistributedCache"/> over the cluster: what ASP.NET Core
/// session, Microsoft's HybridCache (as its L2) and other libraries cache through. Register it with
/// <c>services.AddCacheClusterDistributedCache(...)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Expiry follows Microsoft's RedisCache: <see cref="DistributedCacheEntryOptions.AbsoluteExpirationRelativeToNow"/>
/// wins over <see cref="DistributedCacheEntryOptions.AbsoluteExpiration"/>, an <see cref="DistributedCacheEntryOptions.AbsoluteExpiration"/>
/// that is not in the future throws <see cref="ArgumentOutOfRangeException"/> (even beside a relative one) and writes
/// nothing, an expiry over <see cref="CacheEntryOptions.MaxTimeToLive"/> throws <see cref="InvalidCacheOptionsException"/>, and <see cref="DistributedCacheEntryOptions.SlidingExpiration"/>
/// is kept with the entry: every <see cref="GetAsync"/> and <see cref="RefreshAsync"/> extends it by the window, in the
/// same grain call as the read, never past the absolute expiration. An entry without options lives until removed or
/// evicted. Times are read from the cache clock (<see cref="CacheClusterClock.ServiceKey"/>).
/// </para>
/// <para>
/// Values are not copied on the <see cref="byte"/>[] path: as with Microsoft's MemoryDistributedCache, do not change an
/// array after handing it to <see cref="SetAsync(string, byte[], DistributedCacheEntryOptions, CancellationToken)"/>
/// or after receiving it from <see cref="GetAsync"/>. The buffer path writes the stored bytes straight into the
/// caller's <see cref="IBufferWriter{T}"/>, and copies a <see cref="ReadOnlySequence{T}"/> once (its memory is the
/// caller's to reuse).
/// </para>
/// <para>
/// The synchronous methods wait for the asynchronous call: the Orleans client has no synchronous API (RedisCache uses
/// StackExchange.Redis' synchronous commands instead). This cannot deadlock in ASP.NET Core, which has no
/// <see cref="SynchronizationContext"/>; under a context or a non-default task scheduler (a UI thread, an Orleans grain)
/// the call runs on the thread pool. Each blocks a thread for one round trip, so prefer the asynchronous methods (for
/// session, call <c>await HttpContext.Session.LoadAsync()</c> first).
/// </para>
/// <para>
/// Errors are the cluster's typed exceptions (<see cref="InvalidCacheKeyException"/>,
/// <see cref="CacheValueTooLargeException"/>, <see cref="CacheClusterUnavailableException"/>, ...).
/// </para>
/// </remarks>
public sealed class CacheClusterDistributedCache : IDistributedCache, IBufferDistributedCache
{
    private readonly IClusterCache _cache;
    private readonly TimeProvider _clock;

    /// <summary>Initializes a new instance of the <see cref="CacheClusterDistributedCache"/> class.</summary>
    /// <param name="cache">The cluster cache to store entries in.</param>
    /// <param name="clock">The cache clock, for absolute expirations; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public CacheClusterDistributedCache(IClusterCache cache, [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _clock = clock ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public byte[]? Get(string key) => Wait(() => GetAsync(key));

    /// <inheritdoc/>
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var read = await ReadAsync(key, token).ConfigureAwait(false);
        return Payload(read);
    }

    /// <inheritdoc/>
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        Wait(() => SetAsync(key, value, options));

    /// <inheritdoc/>
    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        return WriteAsync(key, value, options, token);
    }

    /// <inheritdoc/>
    public void Refresh(string key) => Wait(() => RefreshAsync(key));

    /// <inheritdoc/>
    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return TouchAsync(key, token);
    }

    /// <inheritdoc/>
    public void Remove(string key) => Wait(() => RemoveAsync(key));

    /// <inheritdoc/>
    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _cache.RemoveAsync(key, token);
    }

    /// <inheritdoc/>
    public bool TryGet(string key, IBufferWriter<byte> destination) =>
        Wait(() => TryGetAsync(key, destination).AsTask());

    /// <inheritdoc/>
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        var read = await ReadAsync(key, token).ConfigureAwait(false);
        if (Payload(read) is not { } data)
        {
            return false;
        }

        destination.Write(data);
        return true;
    }

    /// <inheritdoc/>
    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) =>
        Wait(() => SetAsync(key, value, options).AsTask());

    /// <inheritdoc/>
    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);

        // The sequence's memory goes back to the caller's pool when this returns: the one copy the cluster needs.
        return new ValueTask(WriteAsync(key, value.ToArray(), options, token));
    }

    private async Task WriteAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token)
    {
        var entry = DistributedEntryOptions.ToEntryOptions(options, _clock.GetUtcNow());
        await _cache.SetBytesAsync(key, new CacheValue(value), entry, default, token).ConfigureAwait(false);
    }

    // One grain call reads and slides (a key without a sliding window is only read), never from the near cache:
    // a near-cache hit would not slide the entry.
    private Task<CacheReadResult> ReadAsync(string key, CancellationToken token) =>
        _cache.GetAndTouchBytesAsync(key, token);

    private Task<bool> TouchAsync(string key, CancellationToken token) => _cache.TouchAsync(key, token);

    private static byte[]? Payload(CacheReadResult read) =>
        read.Value is { IsAbsent: false } value ? value.Data : null;

    // Without a context to return to (ASP.NET Core, console, thread pool), no continuation inside the call needs the
    // blocked thread, so the call runs here. Under a context or a custom scheduler (a UI thread, an Orleans grain) it
    // starts on the thread pool instead, away from the context it would otherwise wait for.
    private static bool NeedsThreadPool => SynchronizationContext.Current is not null || TaskScheduler.Current != TaskScheduler.Default;

    private static void Wait(Func<Task> call) =>
        (NeedsThreadPool ? Task.Run(call) : call()).GetAwaiter().GetResult();

    private static T Wait<T>(Func<Task<T>> call) =>
        (NeedsThreadPool ? Task.Run(call) : call()).GetAwaiter().GetResult();
}
