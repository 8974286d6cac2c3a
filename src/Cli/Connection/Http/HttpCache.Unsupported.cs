using CacheCluster.Invalidation;

namespace CacheCluster.Cli.Connection.Http;

/// <summary>
/// The <see cref="IClusterCache"/> members the HTTP API has no endpoint for: the commands that use them run over the
/// Orleans gateway (<see cref="HttpCommands"/>), so these are never called.
/// </summary>
internal sealed partial class HttpCache
{
    public Task<CacheResult<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<T?> GetOrSetAsync<T>(string key, Func<CancellationToken, Task<T?>> factory, GetOrSetOptions? options = null, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<CacheReadResult> TryGetBytesAsync(string key, CacheReadOptions? readOptions, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<CacheResult<T>> TryGetAsync<T>(string key, CacheReadOptions? readOptions, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<DomainEventReceipt> PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<IAsyncDisposable> SubscribeAsync(IInvalidationListener listener, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<CacheTimeToLive> GetTimeToLiveAsync(string key, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<CacheScanPage> ScanAsync(string pattern, string cursor = CacheScanPage.Start, int count = CacheScanPage.DefaultCount, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<CacheEntryInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<long> ListPushAsync<T>(string key, ListEnd end, IEnumerable<T> values, CacheEntryOptions? options = null, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<IReadOnlyList<T>> ListRangeAsync<T>(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<long> ListLengthAsync(string key, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<long> ListRemoveAsync<T>(string key, T value, long count = 0, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<long> ListTrimAsync(string key, long start, long stop, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<bool> PersistAsync(string key, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<CacheReadResult> GetAndTouchBytesAsync(string key, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<IReadOnlyDictionary<string, CacheResult<T>>> GetManyAsync<T>(IEnumerable<string> keys, CacheReadOptions? readOptions = null, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<IReadOnlyList<CacheWriteResult>> SetManyAsync<T>(IEnumerable<KeyValuePair<string, T>> items, CacheEntryOptions? options = null, CancellationToken cancellationToken = default) => throw Unsupported();

    public Task<IReadOnlyDictionary<string, T?>> GetOrSetManyAsync<T>(IEnumerable<string> keys, Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<string, T>>> factory, GetOrSetOptions? options = null, CancellationToken cancellationToken = default) => throw Unsupported();

    private static NotSupportedException Unsupported() => new("The silo's HTTP API has no endpoint for this; the command runs over the Orleans gateway.");
}
