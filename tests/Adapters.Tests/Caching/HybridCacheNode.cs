using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Tests.Caching;

/// <summary>
/// One application "node": its own service provider built with the real <c>AddCacheClusterHybridCache</c>, whose client
/// talks to the in-process test cluster (the cluster's client stands in for the node's connection) on the cluster's
/// fake cache clock. Each node has its own near cache, as a separate server would.
/// </summary>
internal sealed class HybridCacheNode : IDisposable
{
    private readonly ServiceProvider _provider;

    private HybridCacheNode(ServiceProvider provider)
    {
        _provider = provider;
        Cache = provider.GetRequiredService<HybridCache>();
        Client = (ClusterCache)provider.GetRequiredService<IClusterCache>();
    }

    public HybridCache Cache { get; }

    /// <summary>Gets the node's cluster client (internal type, for its near cache).</summary>
    public ClusterCache Client { get; }

    public IServiceProvider Services => _provider;

    public static HybridCacheNode Start(
        CacheTestCluster cluster,
        Action<IHybridCacheBuilder>? configure = null,
        Action<HybridCacheOptions>? hybrid = null,
        Action<CacheClusterClientOptions>? client = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddCacheClusterHybridCache(client);
        configure?.Invoke(builder);
        if (hybrid is not null)
        {
            services.Configure(hybrid);
        }

        services.AddSingleton(cluster.Client);
        services.AddKeyedSingleton<TimeProvider>(CacheClusterClock.ServiceKey, cluster.Clock);
        return new HybridCacheNode(services.BuildServiceProvider());
    }

    /// <summary>Completes when this node's near cache is told that <paramref name="key"/> changed.</summary>
    public Task NextInvalidation(string key)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Client.Near.Invalidated += k =>
        {
            if (k == key)
            {
                done.TrySetResult();
            }
        };
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public bool HoldsNear(string key) => Client.NearField is { } near && near.TryGet(key, out _);

    public void Dispose() => _provider.Dispose();
}
