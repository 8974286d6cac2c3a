using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Caching.Hybrid;

/// <summary>What <c>AddCacheClusterHybridCache</c> returns, so that <c>AddSerializer</c> and <c>AddSerializerFactory</c> work as with Microsoft's.</summary>
internal sealed class CacheClusterHybridCacheBuilder(IServiceCollection services) : IHybridCacheBuilder
{
    public IServiceCollection Services { get; } = services;
}
