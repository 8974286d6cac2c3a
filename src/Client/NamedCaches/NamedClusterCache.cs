using System.Text;
using CacheCluster.Hosting;
using CacheCluster.NearCache;

namespace CacheCluster.NamedCaches;

/// <summary>
/// A named cache: the application's one <see cref="IClusterCache"/> seen through a key prefix and default entry
/// options. Every key-taking method prefixes the key (each is one line: prefix, then delegate); patterns are prefixed,
/// so <c>*</c> means this cache's keys. Tags are not prefixed: they are the cluster's shared invalidation vocabulary
/// (domain events map to them), so removing a tag removes its entries in every named cache. Publish and Subscribe
/// pass through.
/// </summary>
internal sealed partial class NamedClusterCache : IClusterCache
{
    private readonly IClusterCache _inner;
    private readonly NamedClusterCacheOptions _options;
    private readonly CacheClusterClientOptions _clientOptions;
    private readonly string _prefix;
    private readonly string _patternPrefix;

    public NamedClusterCache(IClusterCache inner, NamedClusterCacheOptions options, CacheClusterClientOptions clientOptions)
    {
        _inner = inner;
        _options = options;
        _clientOptions = clientOptions;
        _prefix = options.KeyPrefix;
        _patternPrefix = EscapeGlob(_prefix);
    }

    /// <summary>Gets the cache's name.</summary>
    public string Name => _options.Name;

    public Task<CacheResult<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default) =>
        _inner.TryGetAsync<T>(Key(key), cancellationToken);

    public Task<T?> GetOrSetAsync<T>(string key, Func<CancellationToken, Task<T?>> factory, GetOrSetOptions? options = null, CancellationToken cancellationToken = default) =>
        _inner.GetOrSetAsync(Key(key), factory, WithDefaults(options), cancellationToken);

    public Task<CacheReadResult> TryGetBytesAsync(string key, CancellationToken cancellationToken = default) =>
        _inner.TryGetBytesAsync(Key(key), cancellationToken);

    public Task<CacheReadResult> TryGetBytesAsync(string key, CacheReadOptions? readOptions, CancellationToken cancellationToken = default) =>
        _inner.TryGetBytesAsync(Key(key), readOptions, cancellationToken);

    public Task<CacheResult<T>> TryGetAsync<T>(string key, CacheReadOptions? readOptions, CancellationToken cancellationToken = default) =>
        _inner.TryGetAsync<T>(Key(key), readOptions, cancellationToken);

    public Task<bool> ExpireAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken = default) =>
        _inner.ExpireAsync(Key(key), timeToLive, cancellationToken);

    public Task<bool> TouchAsync(string key, CancellationToken cancellationToken = default) =>
        _inner.TouchAsync(Key(key), cancellationToken);

    public Task<bool> PersistAsync(string key, CancellationToken cancellationToken = default) =>
        _inner.PersistAsync(Key(key), cancellationToken);

    public Task<CacheReadResult> GetAndTouchBytesAsync(string key, CancellationToken cancellationToken = default) =>
        _inner.GetAndTouchBytesAsync(Key(key), cancellationToken);

    public Task<CacheWriteResult> SetAsync<T>(string key, T value, CacheEntryOptions? options = null, CacheWriteCondition condition = default, CancellationToken cancellationToken = default) =>
        _inner.SetAsync(Key(key), value, options ?? _options.DefaultEntryOptions, condition, cancellationToken);

    public Task<CacheWriteResult> SetBytesAsync(string key, CacheValue value, CacheEntryOptions? options = null, CacheWriteCondition condition = default, CancellationToken cancellationToken = default) =>
        _inner.SetBytesAsync(Key(key), value, options ?? _options.DefaultEntryOptions, condition, cancellationToken);

    public Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default) =>
        _inner.RemoveAsync(Key(key), cancellationToken);

    /// <summary>Removes the tag's entries in the whole cluster: tags are shared, never prefixed.</summary>
    public Task<long> RemoveByTagAsync(string tag, CancellationToken cancellationToken = default) =>
        _inner.RemoveByTagAsync(tag, cancellationToken);

    /// <summary>
    /// Removes this cache's keys matching <paramref name="pattern"/>: the pattern is matched after the prefix.
    /// <paramref name="allowAll"/> must be true for a pattern with no literal prefix, which may match every key of this cache (such as <c>*</c> or <c>?*</c>).
    /// </summary>
    public Task<long> RemoveByPatternAsync(string pattern, bool allowAll = false, CancellationToken cancellationToken = default) =>
        _inner.RemoveByPatternAsync(Pattern(pattern, allowAll), allowAll, cancellationToken);

    public async Task<CacheScanPage> ScanAsync(string pattern, string cursor = CacheScanPage.Start, int count = CacheScanPage.DefaultCount, CancellationToken cancellationToken = default)
    {
        var page = await _inner.ScanAsync(Pattern(pattern, allowAll: true), cursor, count, cancellationToken).ConfigureAwait(false);
        return page with { Keys = [.. page.Keys.Select(key => key[_prefix.Length..])] };
    }

    public Task<DomainEventReceipt> PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken = default) =>
        _inner.PublishAsync(domainEvent, cancellationToken);

    public Task<IAsyncDisposable> SubscribeAsync(IInvalidationListener listener, CancellationToken cancellationToken = default) =>
        _inner.SubscribeAsync(listener, cancellationToken);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) =>
        _inner.ExistsAsync(Key(key), cancellationToken);

    public Task<long> IncrementAsync(string key, long by = 1, CacheEntryOptions? options = null, CancellationToken cancellationToken = default) =>
        _inner.IncrementAsync(Key(key), by, options ?? _options.DefaultEntryOptions, cancellationToken);

    public Task<CacheTimeToLive> GetTimeToLiveAsync(string key, CancellationToken cancellationToken = default) =>
        _inner.GetTimeToLiveAsync(Key(key), cancellationToken);

    public Task<CacheEntryInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default) =>
        _inner.GetInfoAsync(Key(key), cancellationToken);

    public Task<long> ListPushAsync<T>(string key, ListEnd end, IEnumerable<T> values, CacheEntryOptions? options = null, CancellationToken cancellationToken = default) =>
        _inner.ListPushAsync(Key(key), end, values, options ?? _options.DefaultEntryOptions, cancellationToken);

    public Task<IReadOnlyList<T>> ListRangeAsync<T>(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) =>
        _inner.ListRangeAsync<T>(Key(key), start, stop, cancellationToken);

    public Task<long> ListLengthAsync(string key, CancellationToken cancellationToken = default) =>
        _inner.ListLengthAsync(Key(key), cancellationToken);

    public Task<long> ListRemoveAsync<T>(string key, T value, long count = 0, CancellationToken cancellationToken = default) =>
        _inner.ListRemoveAsync(Key(key), value, count, cancellationToken);

    public Task<long> ListTrimAsync(string key, long start, long stop, CancellationToken cancellationToken = default) =>
        _inner.ListTrimAsync(Key(key), start, stop, cancellationToken);

    /// <summary>
    /// Prefixes a key. The key itself must be a key (not empty); the prefixed key must fit the client's
    /// <see cref="CacheClusterClientOptions.MaxKeyBytes"/>.
    /// </summary>
    /// <exception cref="InvalidCacheKeyException">The key is empty, or too long once prefixed, or otherwise invalid.</exception>
    internal string Key(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            CacheKey.Validate(key, _clientOptions.MaxKeyBytes);
        }

        var prefixed = _prefix + key;
        CacheKey.Validate(prefixed, _clientOptions.MaxKeyBytes);
        return prefixed;
    }

    /// <summary>Prefixes a pattern (the prefix's own glob characters escaped), refusing this cache's "every key" without allowAll.</summary>
    /// <exception cref="InvalidCacheOptionsException">The pattern is invalid, or has no literal prefix without <paramref name="allowAll"/>.</exception>
    internal string Pattern(string pattern, bool allowAll)
    {
        if (CacheKeyPattern.Parse(pattern).IsUnanchored && !allowAll)
        {
            throw new InvalidCacheOptionsException($"The pattern '{pattern}' has no literal prefix, so it may clear every key of the named cache '{Name}'; pass allowAll: true to do that.");
        }

        return _patternPrefix + pattern;
    }

    private GetOrSetOptions? WithDefaults(GetOrSetOptions? options) =>
        _options.DefaultEntryOptions is not { } defaults || options?.Entry is not null
            ? options
            : (options ?? GetOrSetOptions.Default) with { Entry = defaults };

    private static string EscapeGlob(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}
