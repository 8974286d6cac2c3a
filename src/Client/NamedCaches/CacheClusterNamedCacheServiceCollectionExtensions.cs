using CacheCluster;
using CacheCluster.Hosting;
using CacheCluster.NamedCaches;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers named caches: keyed <see cref="IClusterCache"/> services over the one CacheCluster client.</summary>
public static class CacheClusterNamedCacheServiceCollectionExtensions
{
    /// <summary>
    /// Adds a named cache: an <see cref="IClusterCache"/> keyed by <paramref name="name"/>
    /// (<c>[FromKeyedServices("products")] IClusterCache</c>) over the application's one connection (this calls
    /// <c>AddCacheClusterClient()</c>, which keeps earlier calls' settings), with its own
    /// <see cref="NamedClusterCacheOptions.KeyPrefix"/> and <see cref="NamedClusterCacheOptions.DefaultEntryOptions"/>.
    /// </summary>
    /// <remarks>
    /// Keys and patterns are prefixed, so two named caches never see each other's keys and a named cache's <c>*</c>
    /// means its own keys. Tags are not prefixed: they are the cluster's shared invalidation vocabulary (domain events
    /// map to them), so <see cref="IClusterCache.RemoveByTagAsync"/> on any cache removes the tag's entries in every
    /// cache. Publish and Subscribe are the cluster's. Adding the same name again configures the same cache further.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="name">The cache's name and service key.</param>
    /// <param name="configure">Sets the options, or <see langword="null"/> for the defaults (prefix <c>name:</c>).</param>
    /// <returns>The services.</returns>
    /// <exception cref="ArgumentException">The name is empty, white space, or holds a control character.</exception>
    /// <exception cref="OptionsValidationException">The prefix or the default entry options are invalid (the message names the cache and the option).</exception>
    public static IServiceCollection AddCacheClusterNamedCache(this IServiceCollection services, string name, Action<NamedClusterCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        NamedClusterCacheOptionsValidator.ValidateName(name);
        services.AddCacheClusterClient();
        var clientOptions = services.Last(d => d.ServiceType == typeof(IOptions<CacheClusterClientOptions>) && !d.IsKeyedService).ImplementationInstance as IOptions<CacheClusterClientOptions>;
        var options = services.LastOrDefault(d => d.ServiceType == typeof(NamedClusterCacheOptions) && d.IsKeyedService && Equals(d.ServiceKey, name))?.KeyedImplementationInstance as NamedClusterCacheOptions;
        var added = options is null;
        options ??= new NamedClusterCacheOptions { Name = name, KeyPrefix = name + ":" };
        configure?.Invoke(options);
        var result = new NamedClusterCacheOptionsValidator(clientOptions!.Value.MaxKeyBytes).Validate(name, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(name, typeof(NamedClusterCacheOptions), result.Failures);
        }

        if (added)
        {
            services.AddKeyedSingleton(name, options);
            services.AddKeyedSingleton<IClusterCache>(name, (sp, _) => new NamedClusterCache(
                sp.GetRequiredService<IClusterCache>(), options, sp.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value));
        }

        return services;
    }
}
