using System.Diagnostics.CodeAnalysis;
using Orleans.Configuration;
using Orleans.Runtime.GrainDirectory;

namespace CacheCluster.Eviction;

/// <summary>
/// The silo's grain-address cache (Orleans' <see cref="IGrainDirectoryCache"/>): Orleans' own LRU cache, bounded in
/// size and in idle time, which also forgets an entry's address when its activation on this silo goes.
/// </summary>
/// <remarks>
/// <para>
/// Orleans caches the address of every grain a silo registers or looks up, local activations included, and keeps it
/// after the activation was collected: its batched unregistration (how idle activations leave) does not touch the
/// cache. With the default million addresses and 240 s time to live, each idle entry kept about 250 bytes of address,
/// grain id and cache node after its activation went, more than Redis spends on the whole entry.
/// </para>
/// <para>
/// Here the entry grain calls <see cref="Forget"/> as it deactivates, as Orleans' single unregistration does, so a
/// local address lives as long as its activation. Addresses of activations on other silos (which this silo cannot see
/// go) leave after <see cref="GrainDirectoryOptions.MaximumCacheTTL"/> without use, which the eviction options set to
/// the entries' idle timeout; a stale one costs one forwarded message, as in Orleans. At most
/// <see cref="DefaultCacheSize"/> addresses are kept by default.
/// </para>
/// </remarks>
internal sealed class EntryAddressCache : IGrainDirectoryCache, IAsyncDisposable
{
    /// <summary>
    /// The most addresses the cache holds unless <see cref="GrainDirectoryOptions.CacheSize"/> says otherwise (Orleans'
    /// default is a million, and its cache allocates a table for all of them up front: 9 MB). About 170 bytes each,
    /// so at most 34 MB; the most recently used stay, and a call to an entry whose address went costs one directory
    /// lookup on the silo.
    /// </summary>
    public const int DefaultCacheSize = 200_000;

    private readonly IGrainDirectoryCache _inner;

    /// <param name="services">The silo's services, for Orleans' cache factory.</param>
    /// <param name="options">The size and time to live; the caching strategy is taken as LRU.</param>
    public EntryAddressCache(IServiceProvider services, GrainDirectoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _inner = GrainDirectoryCacheFactory.CreateGrainDirectoryCache(services, new GrainDirectoryOptions
        {
            CachingStrategy = GrainDirectoryOptions.CachingStrategyType.LRU,
            CacheSize = options.CacheSize,
            MaximumCacheTTL = options.MaximumCacheTTL,
        });
    }

    public IEnumerable<(GrainAddress ActivationAddress, int Version)> KeyValues => _inner.KeyValues;

    public void AddOrUpdate(GrainAddress value, int version) => _inner.AddOrUpdate(value, version);

    public bool Remove(GrainId key) => _inner.Remove(key);

    public bool Remove(GrainAddress key) => _inner.Remove(key);

    public void Clear() => _inner.Clear();

    public bool LookUp(GrainId key, [NotNullWhen(true)] out GrainAddress? result, out int version) => _inner.LookUp(key, out result, out version);

    /// <summary>
    /// Forgets <paramref name="address"/>, an activation of this silo that is going: only if the cache still points at
    /// that silo (a newer address elsewhere stays).
    /// </summary>
    public void Forget(GrainAddress address) => _inner.Remove(address);

    public async ValueTask DisposeAsync()
    {
        switch (_inner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
