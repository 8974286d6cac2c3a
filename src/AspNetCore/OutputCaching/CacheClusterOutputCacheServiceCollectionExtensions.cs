using CacheCluster;
using CacheCluster.Hosting;
using CacheCluster.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes CacheCluster the store of ASP.NET Core's output caching middleware.</summary>
public static class CacheClusterOutputCacheServiceCollectionExtensions
{
    /// <summary>
    /// The prefix of every key the output cache store writes, reserved for it: the rest is the middleware's key with
    /// control characters, <c>%</c> and <c>#</c> escaped as <c>%XX</c>, or <c>#sha256:</c> and a hash when that would
    /// exceed <see cref="CacheClusterClientOptions.MaxKeyBytes"/>.
    /// </summary>
    public const string KeyPrefix = "__outputcache:";

    /// <summary>
    /// Adds the CacheCluster client, with options bound from the <c>CacheCluster</c> section, and makes the cluster the
    /// output cache store. See <see cref="AddCacheClusterOutputCache(IServiceCollection, Action{CacheClusterClientOptions})"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">A client option is invalid.</exception>
    public static IServiceCollection AddCacheClusterOutputCache(this IServiceCollection services, IConfiguration configuration, Action<CacheClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddCacheClusterClient(configuration, configure);
        return services.AddCacheClusterOutputCacheStore();
    }

    /// <summary>
    /// Adds the CacheCluster client (as <see cref="CacheClusterClientServiceCollectionExtensions.AddCacheClusterClient(IServiceCollection, Action{CacheClusterClientOptions})"/>
    /// does; calling both is fine) and the output caching services (<c>AddOutputCache()</c>), and makes the cluster the
    /// <see cref="IOutputCacheStore"/>, whether <c>AddOutputCache</c> is called before or after this.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Responses are stored under <see cref="KeyPrefix"/> for the policy's expiry, and carry the policy's tags as cluster
    /// tags, unprefixed: <see cref="IOutputCacheStore.EvictByTagAsync"/>, <see cref="IClusterCache.RemoveByTagAsync"/>,
    /// domain-event rules and <c>POST /v1/invalidate</c> all evict them, on every application instance at once.
    /// </para>
    /// <para>
    /// A response whose tags the cluster cannot hold (more than 64, or one that is empty, over 256 bytes of UTF-8, or
    /// holds a control character or a comma) is not cached: the store throws <see cref="InvalidCacheOptionsException"/>,
    /// which the middleware logs. So is a response over the cluster's value limit (<see cref="CacheValueTooLargeException"/>).
    /// </para>
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the client options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">A client option is invalid.</exception>
    public static IServiceCollection AddCacheClusterOutputCache(this IServiceCollection services, Action<CacheClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddCacheClusterClient(configure);
        return services.AddCacheClusterOutputCacheStore();
    }

    /// <summary>Adds the output caching services and the store over whatever <see cref="IClusterCache"/> is registered.</summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    internal static IServiceCollection AddCacheClusterOutputCacheStore(this IServiceCollection services)
    {
        services.AddOutputCache();

        // AddOutputCache TryAdds the in-memory store: replace it if it came first; if it comes later, its TryAdd finds ours.
        services.RemoveAll<IOutputCacheStore>();
        services.AddSingleton<IOutputCacheStore>(sp => new CacheClusterOutputCacheStore(
            sp.GetRequiredService<IClusterCache>(),
            sp.GetService<IOptions<CacheClusterClientOptions>>()));
        return services;
    }
}
