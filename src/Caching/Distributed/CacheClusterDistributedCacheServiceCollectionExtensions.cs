using CacheCluster.Hosting;
using CacheCluster.Caching.Distributed;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CacheCluster as the application's <see cref="IDistributedCache"/>.</summary>
public static class CacheClusterDistributedCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds the CacheCluster client and <see cref="CacheClusterDistributedCache"/> as the <see cref="IDistributedCache"/>
    /// (also an <see cref="IBufferDistributedCache"/>), with client options bound from the <c>CacheCluster</c> section.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCacheClusterDistributedCache(this IServiceCollection services, IConfiguration configuration, Action<CacheClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddCacheClusterClient(configuration, configure);
        return AddDistributedCache(services);
    }

    /// <summary>
    /// Adds the CacheCluster client (see <c>AddCacheClusterClient</c>) and <see cref="CacheClusterDistributedCache"/> as
    /// the <see cref="IDistributedCache"/> (also an <see cref="IBufferDistributedCache"/>, which Microsoft's HybridCache
    /// uses as its L2). An earlier <see cref="IDistributedCache"/> registration, such as the memory cache that
    /// <c>AddDistributedMemoryCache</c> adds, is replaced; later <c>TryAdd</c> registrations leave it in place.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the client options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddCacheClusterDistributedCache(this IServiceCollection services, Action<CacheClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCacheClusterClient(configure);
        return AddDistributedCache(services);
    }

    private static IServiceCollection AddDistributedCache(IServiceCollection services)
    {
        services.TryAddSingleton<CacheClusterDistributedCache>();
        services.RemoveAll<IDistributedCache>();
        services.AddSingleton<IDistributedCache>(static sp => sp.GetRequiredService<CacheClusterDistributedCache>());
        return services;
    }
}
