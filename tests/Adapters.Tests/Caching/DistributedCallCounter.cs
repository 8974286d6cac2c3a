using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;

namespace CacheCluster.Tests.Caching;

/// <summary>
/// Our own <see cref="IBufferDistributedCache"/> with every call counted per method and key before it is passed on,
/// so a test can see which path Microsoft's HybridCache takes without replacing any of Microsoft's code.
/// </summary>
public sealed class DistributedCallCounter(IBufferDistributedCache inner) : IBufferDistributedCache
{
    private readonly ConcurrentDictionary<(string Method, string Key), int> _calls = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _written = new();

    /// <summary>Gets how many times <paramref name="method"/> was called for <paramref name="key"/>.</summary>
    public int Calls(string method, string key) => _calls.GetValueOrDefault((method, key));

    /// <summary>Completes when a buffer write of <paramref name="key"/> has finished (arm it before triggering).</summary>
    public Task Written(string key) => _written.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public byte[]? Get(string key) => Count(nameof(Get), key, () => inner.Get(key));

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Count(nameof(GetAsync), key, () => inner.GetAsync(key, token));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Count("SetArray", key, () => { inner.Set(key, value, options); return 0; });

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        Count("SetArrayAsync", key, () => inner.SetAsync(key, value, options, token));

    public void Refresh(string key) => Count(nameof(Refresh), key, () => { inner.Refresh(key); return 0; });

    public Task RefreshAsync(string key, CancellationToken token = default) => Count(nameof(RefreshAsync), key, () => inner.RefreshAsync(key, token));

    public void Remove(string key) => Count(nameof(Remove), key, () => { inner.Remove(key); return 0; });

    public Task RemoveAsync(string key, CancellationToken token = default) => Count(nameof(RemoveAsync), key, () => inner.RemoveAsync(key, token));

    public bool TryGet(string key, IBufferWriter<byte> destination) => Count(nameof(TryGet), key, () => inner.TryGet(key, destination));

    public ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default) =>
        Count(nameof(TryGetAsync), key, () => inner.TryGetAsync(key, destination, token));

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options) =>
        Count("SetSequence", key, () => { inner.Set(key, value, options); return 0; });

    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        await Count("SetSequenceAsync", key, () => inner.SetAsync(key, value, options, token).AsTask());
        _ = _written.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private T Count<T>(string method, string key, Func<T> call)
    {
        _calls.AddOrUpdate((method, key), 1, static (_, n) => n + 1);
        return call();
    }
}
