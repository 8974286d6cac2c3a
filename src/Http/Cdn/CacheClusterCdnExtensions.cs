using CacheCluster.Hosting;
using CacheCluster.Http.Cdn;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orleans.Hosting;

/// <summary>Registers CDN purging: every invalidation is sent to the configured CDNs as purges of the HTTP API's URLs.</summary>
public static class CacheClusterCdnExtensions
{
    /// <summary>
    /// Adds (or configures further) CDN purging, bound from <c>CacheCluster:Cdn</c>: the cluster's one purger grain
    /// subscribes to the invalidation stream and purges Varnish, Cloudflare and Fastly as configured. Nothing runs while
    /// no provider is configured. Needs <c>AddCacheCluster</c> (the invalidation stream).
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterCdn(this ISiloBuilder builder, IConfiguration configuration, Action<CdnOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ValidatedOptions.Add(builder.Services, configuration.GetSection(CdnOptionsValidator.SectionName), configure, new CdnOptionsValidator(), out var added);
        if (added)
        {
            var services = builder.Services;
            services.AddMetrics();
            services.TryAddSingleton<CdnMetrics>();
            services.TryAddSingleton<CdnPurgeTargets>();
            services.TryAddSingleton(sp => new CdnPurgeSender(
                CdnHttpClient.Create(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<IOptions<CdnOptions>>(),
                sp.GetRequiredService<CdnMetrics>(),
                sp.GetRequiredService<ILogger<CdnPurgeSender>>()));
            services.AddSingleton<CdnPurgerKeeper>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<CdnPurgerKeeper>());
        }

        return builder;
    }

    /// <summary>Configures CDN purging in code (after any configuration bound before).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">The changes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterCdn(this ISiloBuilder builder, Action<CdnOptions> configure) =>
        builder.AddCacheClusterCdn(new ConfigurationBuilder().Build(), configure);
}
