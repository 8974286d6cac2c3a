using System.Collections.Concurrent;
using CacheCluster.Hosting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Options;

namespace CacheCluster.Caching.Hybrid;

/// <summary>
/// <see cref="HybridCache"/> over the cluster: <see cref="GetOrCreateAsync{TState, T}"/> is the cluster's GetOrSet (one
/// factory run for the whole cluster, leases, stale-while-revalidate and fail-safe), L1 is the client's tracked near
/// cache, and removals (by key, by tag, or everything with <c>*</c>) are exact and reach every node's near cache at once.
/// </summary>
internal sealed class CacheClusterHybridCache : HybridCache
{
    /// <summary>The <see cref="HybridCacheEntryOptions.Expiration"/> used when neither the call nor the defaults set one, as in Microsoft's.</summary>
    public static readonly TimeSpan DefaultExpiration = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The tag every entry written through HybridCache also carries, so that <c>RemoveByTagAsync("*")</c> removes exactly
    /// HybridCache's entries and nothing else the cluster holds (sessions, output cache, other applications' keys).
    /// </summary>
    public const string AllEntriesTag = "__hybridcache";

    /// <summary>HybridCache's wildcard tag: "every entry".</summary>
    public const string WildcardTag = "*";

    private readonly IClusterCache _cache;
    private readonly HybridCacheOptions _options;
    private readonly CacheEntryOptions? _clientDefaults;
    private readonly HybridSerializers _serializers;

    /// <summary>
    /// Tagless calls' GetOrSet options, made once per HybridCache options and type: a hit does not rebuild them, and
    /// concurrent calls of a key share one options instance (the client joins them by reference). Bounded: options
    /// built per call with ever new values are made per call past <see cref="MaxCachedOptions"/>.
    /// </summary>
    private readonly ConcurrentDictionary<HybridOptionsKey, GetOrSetOptions> _taglessOptions = new();

    private const int MaxCachedOptions = 256;

    public CacheClusterHybridCache(IClusterCache cache, IOptions<HybridCacheOptions> options, IOptions<CacheClusterClientOptions> clientOptions, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clientOptions);
        _cache = cache;
        _options = options.Value;
        _clientDefaults = clientOptions.Value.DefaultEntryOptions;
        _serializers = new HybridSerializers(services, _options.MaximumPayloadBytes);
    }

    public override async ValueTask<T> GetOrCreateAsync<TState, T>(
        string key,
        TState state,
        Func<TState, CancellationToken, ValueTask<T>> factory,
        HybridCacheEntryOptions? options = null,
        IEnumerable<string>? tags = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ValidateKey(key);
        var getOrSet = GetOrSetOptionsFor<T>(options, tags);
        return (await _cache.GetOrSetAsync<T>(key, async ct => await factory(state, ct).ConfigureAwait(false), getOrSet, cancellationToken).ConfigureAwait(false))!;
    }

    public override async ValueTask SetAsync<T>(string key, T value, HybridCacheEntryOptions? options = null, IEnumerable<string>? tags = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var getOrSet = GetOrSetOptionsFor<T>(options, tags);
        if (getOrSet.ClusterWrite)
        {
            var stored = value is null ? new CacheValue([], CacheValue.AbsentContentType) : getOrSet.Serializer!.Serialize(value);
            await _cache.SetBytesAsync(key, stored, getOrSet.Entry, default, cancellationToken).ConfigureAwait(false);
            if (getOrSet.NearCacheWrite == true)
            {
                // One tracked read puts the stored value near, bounded by LocalCacheExpiration.
                await _cache.GetOrSetAsync<T>(key, NoFactory<T>, getOrSet with { NearCacheRead = false, RunFactory = false, AllowStale = false }, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (getOrSet.NearCacheWrite == true)
        {
            // Local only: the value is kept in this node's near cache and nowhere else.
            await _cache.GetOrSetAsync<T>(key, _ => Task.FromResult<T?>(value), getOrSet with { NearCacheRead = false, ClusterRead = false }, cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        await _cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask RemoveAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        if (keys is null)
        {
            return;
        }

        var all = keys.ToArray();
        foreach (var key in all)
        {
            ValidateKey(key);
        }

        await Task.WhenAll(all.Select(key => _cache.RemoveAsync(key, cancellationToken))).ConfigureAwait(false);
    }

    public override async ValueTask RemoveByTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        await _cache.RemoveByTagAsync(tag == WildcardTag ? AllEntriesTag : tag, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask RemoveByTagAsync(IEnumerable<string> tags, CancellationToken cancellationToken = default)
    {
        if (tags is null)
        {
            return;
        }

        var all = tags.Distinct(StringComparer.Ordinal).ToArray();
        foreach (var tag in all)
        {
            ArgumentException.ThrowIfNullOrEmpty(tag, nameof(tags));
        }

        await Task.WhenAll(all.Select(tag => RemoveByTagAsync(tag, cancellationToken).AsTask())).ConfigureAwait(false);
    }

    /// <summary>Maps one call's HybridCache options (over the defaults) to GetOrSet's; a tagless call's are made once.</summary>
    internal GetOrSetOptions GetOrSetOptionsFor<T>(HybridCacheEntryOptions? options, IEnumerable<string>? tags)
    {
        if (tags is not null && !(tags is IReadOnlyCollection<string> { Count: 0 }))
        {
            return BuildOptions<T>(options, tags);
        }

        var key = HybridOptionsKey.For<T>(options);
        if (_taglessOptions.TryGetValue(key, out var made))
        {
            return made;
        }

        made = BuildOptions<T>(options, tags: null);
        return _taglessOptions.Count < MaxCachedOptions ? _taglessOptions.GetOrAdd(key, made) : made;
    }

    private GetOrSetOptions BuildOptions<T>(HybridCacheEntryOptions? options, IEnumerable<string>? tags)
    {
        var defaults = _options.DefaultEntryOptions;
        var expiration = options?.Expiration ?? defaults?.Expiration ?? DefaultExpiration;
        var local = options?.LocalCacheExpiration ?? defaults?.LocalCacheExpiration;
        var flags = options?.Flags ?? defaults?.Flags ?? HybridCacheEntryFlags.None;
        if (expiration <= TimeSpan.Zero)
        {
            throw new InvalidCacheOptionsException($"{nameof(HybridCacheEntryOptions.Expiration)} must be greater than zero (was {expiration}).");
        }

        if (local is { } l && l <= TimeSpan.Zero)
        {
            throw new InvalidCacheOptionsException($"{nameof(HybridCacheEntryOptions.LocalCacheExpiration)} must be greater than zero (was {l}).");
        }

        var entryTags = new List<string>();
        foreach (var tag in tags ?? [])
        {
            if (tag == WildcardTag || tag == AllEntriesTag)
            {
                throw new InvalidCacheOptionsException($"The tag '{tag}' is reserved: RemoveByTagAsync(\"*\") removes every HybridCache entry.");
            }

            if (!entryTags.Contains(tag, StringComparer.Ordinal))
            {
                entryTags.Add(tag);
            }
        }

        entryTags.Add(AllEntriesTag);

        // Soft expiry (stale-while-revalidate) comes from the client's DefaultEntryOptions when it fits in the expiration.
        var freshFor = _clientDefaults?.FreshFor is { } fresh && fresh < expiration ? fresh : (TimeSpan?)null;
        return new GetOrSetOptions
        {
            Entry = new CacheEntryOptions { TimeToLive = expiration, FreshFor = freshFor, Tags = entryTags, HttpPolicy = _clientDefaults?.HttpPolicy },
            CacheNegativeResults = true,
            NegativeTimeToLive = expiration,
            NearCacheRead = (flags & HybridCacheEntryFlags.DisableLocalCacheRead) == 0,
            NearCacheWrite = (flags & HybridCacheEntryFlags.DisableLocalCacheWrite) == 0,
            NearCacheExpiration = Min(Min(local ?? expiration, expiration), MaxNearCacheExpiration),
            ClusterRead = (flags & HybridCacheEntryFlags.DisableDistributedCacheRead) == 0,
            ClusterWrite = (flags & HybridCacheEntryFlags.DisableDistributedCacheWrite) == 0,
            RunFactory = (flags & HybridCacheEntryFlags.DisableUnderlyingData) == 0,

            // DisableCompression is accepted and ignored: values are never compressed.
            Serializer = _serializers.For<T>(),
        };
    }

    private static readonly TimeSpan MaxNearCacheExpiration = TimeSpan.FromDays(1);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static Task<T?> NoFactory<T>(CancellationToken cancellationToken) => Task.FromResult<T?>(default);

    private void ValidateKey(string key)
    {
        if (key is not null && key.Length > _options.MaximumKeyLength)
        {
            throw new InvalidCacheKeyException(
                $"The key is {key.Length} characters long; {nameof(HybridCacheOptions)}.{nameof(HybridCacheOptions.MaximumKeyLength)} is {_options.MaximumKeyLength}.")
            {
                Key = CacheKey.Describe(key),
                Operation = "HybridCache",
            };
        }
    }
}
