using CacheCluster.Hosting;
using CacheCluster.Invalidation;
using CacheCluster.Invalidation.Rules;
using CacheCluster.Invalidation.Stream;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Orleans.Hosting;

/// <summary>Registers invalidation: the rules, the stream partitions' fan-out and the keeper that resumes them.</summary>
public static class CacheClusterInvalidationExtensions
{
    /// <summary>
    /// Adds (or configures further) invalidation, bound from <c>CacheCluster:Invalidation</c>. <c>AddCacheCluster</c>
    /// calls it.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option or rule is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterInvalidation(this ISiloBuilder builder, IConfiguration configuration, Action<InvalidationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ValidatedOptions.Add(builder.Services, configuration.GetSection(InvalidationOptionsValidator.SectionName), configure, new InvalidationOptionsValidator(), out var added);
        if (added)
        {
            var services = builder.Services;
            services.TryAddSingleton<InvalidationRuleSet>();
            services.TryAddSingleton<IInvalidationFanOut, GrainInvalidationFanOut>();
            services.AddSingleton<InvalidationStreamKeeper>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<InvalidationStreamKeeper>());
            services.TryAddSingleton<NearCacheNotices>();
            services.TryAddSingleton<LocalEntries>();
            services.TryAddSingleton<ClientDropWatcher>();
            services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ClientDropWatcher>());
        }

        return builder;
    }

    /// <summary>Configures invalidation in code (after any configuration bound before).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">The changes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option or rule is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterInvalidation(this ISiloBuilder builder, Action<InvalidationOptions> configure) =>
        builder.AddCacheClusterInvalidation(new ConfigurationBuilder().Build(), configure);
}
