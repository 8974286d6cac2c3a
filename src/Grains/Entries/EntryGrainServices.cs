using CacheCluster.Diagnostics;
using CacheCluster.Expiry;
using CacheCluster.Eviction;
using CacheCluster.Hosting;
using CacheCluster.Invalidation;
using CacheCluster.Operations;
using CacheCluster.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Entries;

/// <summary>
/// The silo-wide services every <see cref="CacheEntryGrain"/> uses, resolved once per silo and shared: an activation
/// keeps one reference to this instead of one field per service (ten references, 80 bytes per active entry).
/// </summary>
internal sealed class EntryGrainServices(
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
    IEntryStore store,
    ITagIndex tagIndex,
    EntryExpiryScheduler expiryScheduler,
    ActiveEntryTable activeEntries,
    CacheClusterMetrics metrics,
    SiloOperations operations,
    WriteBehindQueue writeBehind,
    EntryReadView readView,
    IOptions<CacheClusterOptions> options)
{
    public TimeProvider Clock { get; } = clock;

    public IEntryStore Store { get; } = store;

    public ITagIndex TagIndex { get; } = tagIndex;

    public EntryExpiryScheduler ExpiryScheduler { get; } = expiryScheduler;

    public ActiveEntryTable ActiveEntries { get; } = activeEntries;

    public CacheClusterMetrics Metrics { get; } = metrics;

    public SiloOperations Operations { get; } = operations;

    public WriteBehindQueue WriteBehind { get; } = writeBehind;

    public EntryReadView ReadView { get; } = readView;

    public CacheClusterOptions Options { get; } = options.Value;
}
