using CacheCluster.Caching.Hybrid;
using CacheCluster.Hosting;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers CacheCluster as the application's <see cref="HybridCache"/>.</summary>
public static class CacheClusterHybridCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds the CacheCluster client (as <c>AddCacheClusterClient</c> does, options bound from the <c>CacheCluster</c>
    /// section) and makes the cluster the application's <see cref="HybridCache"/>, replacing any other registration.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder, for <c>AddSerializer</c> and <c>AddSerializerFactory</c>.</returns>
    public static IHybridCacheBuilder AddCacheClusterHybridCache(this IServiceCollection services, IConfiguration configuration, Action<CacheClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddCacheClusterHybridCache(options =>
        {
            configuration.GetSection(CacheClusterClientOptions.SectionName).Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Adds the CacheCluster client (as <c>AddCacheClusterClient</c> does) and makes the cluster the application's
    /// <see cref="HybridCache"/>, replacing any other registration. <see cref="HybridCacheOptions"/> are read as usual
    /// (<c>services.Configure&lt;HybridCacheOptions&gt;</c>); serializers come from the same registrations Microsoft's
    /// implementation uses (<see cref="IHybridCacheSerializer{T}"/>, then <see cref="IHybridCacheSerializerFactory"/>
    /// last-registered-first, then System.Text.Json; strings and byte arrays raw).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the client options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The builder, for <c>AddSerializer</c> and <c>AddSerializerFactory</c>.</returns>
    public static IHybridCacheBuilder AddCacheClusterHybridCache(this IServiceCollection services, Action<CacheClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCacheClusterClient(configure);
        services.AddOptions<HybridCacheOptions>();
        services.TryAddSingleton<IHybridCacheSerializer<string>, Utf8StringHybridSerializer>();
        services.TryAddSingleton<IHybridCacheSerializer<byte[]>, ByteArrayHybridSerializer>();
        services.RemoveAll<HybridCache>();
        services.AddSingleton<HybridCache, CacheClusterHybridCache>();
        return new CacheClusterHybridCacheBuilder(services);
    }
}
