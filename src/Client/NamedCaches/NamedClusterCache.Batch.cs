namespace CacheCluster.NamedCaches;

/// <summary>The multi-key calls of a named cache: every key prefixed on the way in and unprefixed on the way out.</summary>
internal sealed partial class NamedClusterCache
{
    public Task<IReadOnlyList<CacheReadResult>> GetManyBytesAsync(IReadOnlyList<string> keys, CacheReadOptions? readOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return _inner.GetManyBytesAsync([.. keys.Select(Key)], readOptions, cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, CacheResult<T>>> GetManyAsync<T>(IEnumerable<string> keys, CacheReadOptions? readOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var values = await _inner.GetManyAsync<T>([.. keys.Select(Key)], readOptions, cancellationToken).ConfigureAwait(false);
        return values.ToDictionary(pair => pair.Key[_prefix.Length..], pair => pair.Value, StringComparer.Ordinal);
    }

    public Task<IReadOnlyList<CacheWriteResult>> SetManyBytesAsync(IReadOnlyList<KeyValuePair<string, CacheValue>> items, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return _inner.SetManyBytesAsync([.. items.Select(item => KeyValuePair.Create(Key(item.Key), item.Value))], options ?? _options.DefaultEntryOptions, cancellationToken);
    }

    public Task<IReadOnlyList<CacheWriteResult>> SetManyAsync<T>(IEnumerable<KeyValuePair<string, T>> items, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        return _inner.SetManyAsync([.. items.Select(item => KeyValuePair.Create(Key(item.Key), item.Value))], options ?? _options.DefaultEntryOptions, cancellationToken);
    }

    public Task<long> RemoveManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return _inner.RemoveManyAsync([.. keys.Select(Key)], cancellationToken);
    }

    public async Task<IReadOnlyDictionary<string, T?>> GetOrSetManyAsync<T>(IEnumerable<string> keys, Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<string, T>>> factory, GetOrSetOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(factory);
        var values = await _inner.GetOrSetManyAsync<T>(
            [.. keys.Select(Key)],
            async (prefixed, ct) =>
            {
                var computed = await factory([.. prefixed.Select(key => key[_prefix.Length..])], ct).ConfigureAwait(false);
                ArgumentNullException.ThrowIfNull(computed, nameof(factory));
                IReadOnlyDictionary<string, T> result = computed.ToDictionary(pair => Key(pair.Key), pair => pair.Value, StringComparer.Ordinal);
                return result;
            },
            WithDefaults(options),
            cancellationToken).ConfigureAwait(false);
        return values.ToDictionary(pair => pair.Key[_prefix.Length..], pair => pair.Value, StringComparer.Ordinal);
    }
}
