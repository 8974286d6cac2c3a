namespace CacheCluster;

/// <summary>
/// The cache as application code sees it: typed values over the cluster's per-key entries.
/// </summary>
/// <remarks>
/// Errors are exceptions, never silent defaults: <see cref="InvalidCacheKeyException"/>,
/// <see cref="CacheValueTooLargeException"/>, <see cref="InvalidCacheOptionsException"/>,
/// <see cref="CacheVersionConflictException"/>, <see cref="CacheStorageException"/> (the write was not acknowledged) and
/// <see cref="CacheClusterUnavailableException"/> (the cluster did not answer; the outcome is unknown).
/// A call the cluster refused to deliver (a silo shutting down refuses the calls that still reach it) is sent again,
/// up to three times within about 400 ms: no grain ran it, so nothing is applied twice.
/// Cancelling a call stops the wait for its answer; a write already sent may still be applied.
/// </remarks>
public interface IClusterCache
{
    /// <summary>Reads and deserializes a value.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The value and its state; <see cref="CacheResult{T}.Found"/> is false when the key is missing.</returns>
    Task<CacheResult<T>> TryGetAsync<T>(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the cached value, or computes it with <paramref name="factory"/> once for the whole cluster: when many
    /// callers on many servers miss the key at once, exactly one is granted the key's lease and runs the factory, and
    /// the key's grain hands the value to all the others. A stale value is returned at once while one caller refreshes
    /// it; a failing source is answered with the stale value (fail-safe); a value computed under a lease that a
    /// delete or invalidation voided is returned to its caller but not stored. A caller whose wait the cluster does not
    /// answer (the key's silo died) asks again until the wait timeout; the key's next activation hands the lease to one
    /// waiter.
    /// </summary>
    /// <remarks>
    /// Inside one client, concurrent calls of one key share one lookup: the first call asks the cluster (and, granted
    /// the lease, runs its factory); calls that arrive while it is under way, asking for the same <typeparamref name="T"/>
    /// with equal <paramref name="options"/>, join it and get its value (each its own copy, unless the type is immutable:
    /// strings and types without references are shared), so that a stampede costs one grain call per client. A call of
    /// another type or with other options asks on its own. Each joined call keeps its own cancellation and wait
    /// timeout (fail-safe: the stale value the lease was granted over); cancelling the first call stops only its own wait.
    /// When the first call's factory fails, the joined calls do what the grain's waiters do: with
    /// <see cref="CacheFillFailureMode.NextWaiterRetries"/> one of them retries with its own factory and the others join
    /// it; with <see cref="CacheFillFailureMode.WaitersFail"/> they get the error. Calls that do not take a lease
    /// (<see cref="GetOrSetOptions.ClusterRead"/>, <see cref="GetOrSetOptions.ClusterWrite"/> or
    /// <see cref="GetOrSetOptions.RunFactory"/> off) are not joined.
    /// </remarks>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="factory">Computes the value; <see langword="null"/> means "no value". Its token is cancelled by the hard timeout, never by one caller's cancellation.</param>
    /// <param name="options">Expiry, stale, fail-safe, timeout and lease rules; <see langword="null"/> for <see cref="GetOrSetOptions.Default"/>.</param>
    /// <param name="cancellationToken">Stops this caller's wait; the shared computation goes on for the others.</param>
    /// <returns>The value, or <see langword="default"/> when the factory found none.</returns>
    /// <exception cref="CacheFactoryException">The factory failed and no stale value could stand in.</exception>
    /// <exception cref="CacheLeaseWaitTimeoutException">Another caller's fill did not arrive within the wait timeout.</exception>
    Task<T?> GetOrSetAsync<T>(string key, Func<CancellationToken, Task<T?>> factory, GetOrSetOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the stored bytes as they are.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The bytes with their state and version, or <see cref="CacheReadResult.Missing"/>.</returns>
    Task<CacheReadResult> TryGetBytesAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads a value as bytes, from the near cache when <paramref name="readOptions"/> (or the client's options) say so.</summary>
    /// <param name="key">The key.</param>
    /// <param name="readOptions">How to read; <see langword="null"/> for the client's defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The read; a near-cache hit is a fresh value this client has been told nothing against.</returns>
    Task<CacheReadResult> TryGetBytesAsync(string key, CacheReadOptions? readOptions, CancellationToken cancellationToken = default);

    /// <summary>Reads and deserializes a value, from the near cache when <paramref name="readOptions"/> (or the client's options) say so.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="readOptions">How to read; <see langword="null"/> for the client's defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The value with its version and expiry, or not found.</returns>
    Task<CacheResult<T>> TryGetAsync<T>(string key, CacheReadOptions? readOptions, CancellationToken cancellationToken = default);

    /// <summary>Serializes and writes a value if <paramref name="condition"/> holds.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="options">Expiry and tags; <see langword="null"/> for the client's defaults.</param>
    /// <param name="condition">NX, XX or compare-and-set; default is unconditional.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>What was done and the new version. NX and XX misses are results, not errors.</returns>
    /// <exception cref="CacheVersionConflictException">A compare-and-set found another version, or no entry.</exception>
    Task<CacheWriteResult> SetAsync<T>(string key, T value, CacheEntryOptions? options = null, CacheWriteCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Writes bytes as they are if <paramref name="condition"/> holds.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The bytes and their content type.</param>
    /// <param name="options">Expiry and tags; <see langword="null"/> for the client's defaults.</param>
    /// <param name="condition">NX, XX or compare-and-set; default is unconditional.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>What was done and the new version.</returns>
    /// <exception cref="CacheVersionConflictException">A compare-and-set found another version, or no entry.</exception>
    Task<CacheWriteResult> SetBytesAsync(string key, CacheValue value, CacheEntryOptions? options = null, CacheWriteCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>Removes a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns><see langword="true"/> if it existed.</returns>
    Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry carrying <paramref name="tag"/>, voiding their leases.</summary>
    /// <param name="tag">The tag, such as <c>user:42</c>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>How many entries were removed.</returns>
    Task<long> RemoveByTagAsync(string tag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes every live key matching a glob (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>\</c> escapes), in parallel across
    /// the key index's partitions, without scanning the store's keyspace.
    /// </summary>
    /// <param name="pattern">The glob, such as <c>user:42*</c>; at most 256 characters.</param>
    /// <param name="allowAll">Must be true for a pattern with no literal prefix, which may match every key (such as <c>*</c> or <c>?*</c>).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>How many entries were removed.</returns>
    Task<long> RemoveByPatternAsync(string pattern, bool allowAll = false, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes a domain event to the invalidation stream. It is durable once this returns; the configured rules for
    /// its type are then applied (at least once) and announced to subscribers.
    /// </summary>
    /// <param name="domainEvent">The event; create one with <see cref="DomainEvent.Create{T}"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The event's partition and sequence number, and whether it was a duplicate or matched no rule.</returns>
    /// <exception cref="InvalidDomainEventException">The event is malformed, too large, or lacks a field its rule needs; nothing was applied.</exception>
    /// <exception cref="CacheStorageException">The stream could not persist it; it was not accepted and may be published again.</exception>
    Task<DomainEventReceipt> PublishAsync(DomainEvent domainEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes to the invalidation stream: <paramref name="listener"/> hears about every applied event, and is told to
    /// flush whenever notices may have been missed. The subscription renews itself; dispose it to end it.
    /// </summary>
    /// <param name="listener">The listener.</param>
    /// <param name="cancellationToken">Stops waiting for the first subscription.</param>
    /// <returns>The subscription.</returns>
    Task<IAsyncDisposable> SubscribeAsync(IInvalidationListener listener, CancellationToken cancellationToken = default);

    /// <summary>Tells whether a key exists.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns><see langword="true"/> if it exists, fresh or stale.</returns>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Adds to the integer at a key, creating it at 0 (Redis <c>INCRBY</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="by">The amount, which may be negative.</param>
    /// <param name="options">Expiry and tags if the key is created.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The new value.</returns>
    Task<long> IncrementAsync(string key, long by = 1, CacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads the remaining soft and hard lifetime of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The remaining lifetime.</returns>
    Task<CacheTimeToLive> GetTimeToLiveAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists the live keys matching a glob one page at a time, as Redis <c>SCAN</c>: start with
    /// <see cref="CacheScanPage.Start"/> and pass each page's <see cref="CacheScanPage.Cursor"/> until it is
    /// <see cref="CacheScanPage.Start"/> again. Each call reads one partition of the cluster's key index and examines at most
    /// <paramref name="count"/> of its keys, so no call holds the index for long; a page may hold fewer matches, or none,
    /// with more pages to follow. A key present for the whole scan is listed exactly once; a key written or removed
    /// during the scan may or may not be.
    /// </summary>
    /// <param name="pattern">A glob: <c>*</c> any run of characters, <c>?</c> one character, <c>[abc]</c> a set, <c>\</c> escapes; <c>*</c> lists every key.</param>
    /// <param name="cursor">The cursor a previous page returned, or <see cref="CacheScanPage.Start"/>.</param>
    /// <param name="count">How many keys the page examines, 1 to <see cref="CacheScanPage.MaxCount"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The page's matching keys and the next cursor.</returns>
    /// <exception cref="InvalidCacheOptionsException">The pattern is malformed.</exception>
    /// <exception cref="InvalidCacheRequestException">The cursor is not one a scan returned, or the count is out of range.</exception>
    Task<CacheScanPage> ScanAsync(string pattern, string cursor = CacheScanPage.Start, int count = CacheScanPage.DefaultCount, CancellationToken cancellationToken = default);

    /// <summary>Reads a key's metadata.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The metadata, or <see langword="null"/> when the key is missing.</returns>
    Task<CacheEntryInfo?> GetInfoAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Pushes values onto a list, creating it when missing.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="end">Head (LPUSH) or tail (RPUSH).</param>
    /// <param name="values">The values, at least one.</param>
    /// <param name="options">Expiry and tags if the list is created.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The new length.</returns>
    Task<long> ListPushAsync<T>(string key, ListEnd end, IEnumerable<T> values, CacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Reads list elements <paramref name="start"/> to <paramref name="stop"/> inclusive; negative indexes count from the end.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="start">The first index.</param>
    /// <param name="stop">The last index, inclusive; -1 is the last element.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The elements.</returns>
    Task<IReadOnlyList<T>> ListRangeAsync<T>(string key, long start = 0, long stop = -1, CancellationToken cancellationToken = default);

    /// <summary>Reads a list's length.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The length, 0 when missing.</returns>
    Task<long> ListLengthAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes elements equal to <paramref name="value"/> (Redis <c>LREM</c>).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="key">The key.</param>
    /// <param name="value">The value to remove, compared by its serialized bytes.</param>
    /// <param name="count">Positive: that many from the head; negative: from the tail; 0: all.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>How many were removed.</returns>
    Task<long> ListRemoveAsync<T>(string key, T value, long count = 0, CancellationToken cancellationToken = default);

    /// <summary>Keeps only elements <paramref name="start"/> to <paramref name="stop"/> inclusive (Redis <c>LTRIM</c>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="start">The first index kept.</param>
    /// <param name="stop">The last index kept.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The new length.</returns>
    Task<long> ListTrimAsync(string key, long start, long stop, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives a key a new hard expiry, <paramref name="timeToLive"/> from now (Redis <c>EXPIRE</c>), as a versioned write.
    /// The entry's sliding window and absolute cap are replaced by this fixed expiry; its soft expiry is kept, but never
    /// past the new hard expiry. Works on values and lists.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="timeToLive">The new time to live; zero or less removes the key, as Redis does; at most <see cref="CacheEntryOptions.MaxTimeToLive"/>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns><see langword="true"/> if the key exists (and now expires, or was removed); <see langword="false"/> when it is missing.</returns>
    /// <exception cref="InvalidCacheOptionsException"><paramref name="timeToLive"/> is over the maximum; nothing was changed.</exception>
    Task<bool> ExpireAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends a key's hard expiry by its sliding window (<see cref="CacheEntryOptions.SlidingExpiration"/>): it then
    /// expires the window from now, but never past its absolute cap (<see cref="CacheEntryOptions.TimeToLive"/> after
    /// its write). A key without a sliding window is left as it is.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns><see langword="true"/> if the key exists; <see langword="false"/> when it is missing.</returns>
    Task<bool> TouchAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes every expiry of a key: hard, soft and sliding (Redis <c>PERSIST</c>), as a versioned write.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns><see langword="true"/> if an expiry was removed; <see langword="false"/> when the key is missing or had none.</returns>
    Task<bool> PersistAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the stored bytes and touches the key (see <see cref="TouchAsync"/>) in one step on the key's grain, so the
    /// read sees the extended expiry: what <c>IDistributedCache.Get</c> does for sliding entries. Never served from the
    /// near cache.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The bytes with their state, version and (extended) expiry, or <see cref="CacheReadResult.Missing"/>.</returns>
    /// <exception cref="CacheWrongTypeException">The key holds a list.</exception>
    Task<CacheReadResult> GetAndTouchBytesAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads many keys in one message to the cluster (see <see cref="GetManyAsync{T}"/>), as stored bytes, in the order
    /// given. Each key is read as <see cref="TryGetBytesAsync(string, CacheReadOptions?, CancellationToken)"/> reads it:
    /// near-cache hits are answered here, and the read failure mode answers a key the cluster could not.
    /// </summary>
    /// <param name="keys">The keys; every one is checked before anything is sent.</param>
    /// <param name="readOptions">How to read; <see langword="null"/> for the client's defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>One read per key, in the order given; <see cref="CacheReadResult.Missing"/> for a missing key.</returns>
    /// <exception cref="InvalidCacheKeyException">A key is invalid; nothing was read.</exception>
    /// <exception cref="CacheWrongTypeException">A key holds a list.</exception>
    Task<IReadOnlyList<CacheReadResult>> GetManyBytesAsync(IReadOnlyList<string> keys, CacheReadOptions? readOptions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads and deserializes many keys: one message to the cluster for up to 1,000 keys (a silo then calls every key's
    /// entry at once), instead of one per key.
    /// </summary>
    /// <typeparam name="T">The values' type.</typeparam>
    /// <param name="keys">The keys; a key given twice is read once.</param>
    /// <param name="readOptions">How to read; <see langword="null"/> for the client's defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>Every key given, with its value; <see cref="CacheResult{T}.Found"/> is false for a missing key.</returns>
    /// <exception cref="InvalidCacheKeyException">A key is invalid; nothing was read.</exception>
    Task<IReadOnlyDictionary<string, CacheResult<T>>> GetManyAsync<T>(IEnumerable<string> keys, CacheReadOptions? readOptions = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes many values as bytes, unconditionally, in one message to the cluster (see <see cref="SetManyAsync{T}"/>).
    /// </summary>
    /// <param name="items">The keys and values; for a key given twice the last value is written.</param>
    /// <param name="options">Expiry and tags for every value; <see langword="null"/> for the client's defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>One result per item, in the order given.</returns>
    /// <exception cref="InvalidCacheKeyException">A key is invalid; nothing was written.</exception>
    Task<IReadOnlyList<CacheWriteResult>> SetManyBytesAsync(IReadOnlyList<KeyValuePair<string, CacheValue>> items, CacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Serializes and writes many values, unconditionally (Redis <c>MSET</c>), in one message to the cluster for up to
    /// 1,000 keys. Each key is written as <see cref="SetAsync{T}"/> writes it: its own version, this client's near copy
    /// dropped, and under the set failure mode a key the cluster could not take is queued. The keys are not written
    /// atomically together: when some fail, the others are still written, and the first failure is thrown.
    /// </summary>
    /// <typeparam name="T">The values' type.</typeparam>
    /// <param name="items">The keys and values; for a key given twice the last value is written.</param>
    /// <param name="options">Expiry and tags for every value; <see langword="null"/> for the client's defaults.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>One result per item, in the order given.</returns>
    /// <exception cref="InvalidCacheKeyException">A key is invalid; nothing was written.</exception>
    Task<IReadOnlyList<CacheWriteResult>> SetManyAsync<T>(IEnumerable<KeyValuePair<string, T>> items, CacheEntryOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes many keys (Redis <c>DEL k1 k2 ...</c>) in one message to the cluster for up to 1,000 keys. Each key is
    /// removed as <see cref="RemoveAsync"/> removes it: a removal the cluster could not take is kept and applied later.
    /// </summary>
    /// <param name="keys">The keys; a key given twice is removed once.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>How many of the keys existed.</returns>
    /// <exception cref="InvalidCacheKeyException">A key is invalid; nothing was removed.</exception>
    Task<long> RemoveManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the cached value of every key, computing all the keys missing cluster-wide with one call of
    /// <paramref name="factory"/>: one message asks every key's entry for its value or its lease; the keys whose lease
    /// this caller got go to the factory together, and their values are filled in one message. A key whose lease
    /// another caller holds (on any server) is waited for, not computed again; if that caller gives the lease up, the
    /// lease passes to this caller and the factory is called again, for those keys only. The rules of
    /// <see cref="GetOrSetAsync{T}"/> hold per key: stale values with a background refresh, fail-safe, hard timeout,
    /// negative results, and the fallbacks when the cluster cannot answer (then the factory runs here, once, for the
    /// keys it could not answer).
    /// </summary>
    /// <typeparam name="T">The values' type.</typeparam>
    /// <param name="keys">The keys; a key given twice counts once.</param>
    /// <param name="factory">Computes the values of the keys it is given; a key it leaves out has no value. Its token is cancelled by the hard timeout.</param>
    /// <param name="options">Expiry, stale, fail-safe, timeout and lease rules, the same for every key.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    /// <returns>Every key given, with its value, or <see langword="default"/> when it has none.</returns>
    /// <exception cref="InvalidCacheKeyException">A key is invalid; nothing was read or computed.</exception>
    /// <exception cref="CacheFactoryException">The factory failed and some key had no stale value to stand in.</exception>
    /// <exception cref="CacheLeaseWaitTimeoutException">Another caller's fill of some key did not arrive within the wait timeout.</exception>
    Task<IReadOnlyDictionary<string, T?>> GetOrSetManyAsync<T>(IEnumerable<string> keys, Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyDictionary<string, T>>> factory, GetOrSetOptions? options = null, CancellationToken cancellationToken = default);
}
