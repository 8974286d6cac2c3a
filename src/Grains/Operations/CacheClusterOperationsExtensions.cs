using CacheCluster;
using CacheCluster.Hosting;
using CacheCluster.Operations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orleans.Hosting;

/// <summary>Registers what a silo keeps for its operators: figures, the operation rate, hot keys and the slow log.</summary>
public static class CacheClusterOperationsExtensions
{
    /// <summary>
    /// Adds (or configures further) the operator's view, bound from <c>CacheCluster:SlowLog</c> and
    /// <c>CacheCluster:HotKeys</c>: a filter on entry calls feeding the operation rate, the hot-key sketch and the slow
    /// log, one <c>ISiloOperationsGrain</c> per silo, and <see cref="ClusterOperations"/>, which merges them.
    /// <c>AddCacheCluster</c> calls it.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterOperations(this ISiloBuilder builder, IConfiguration configuration, Action<OperationsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ValidatedOptions.Add(builder.Services, configuration.GetSection(CacheClusterOptions.SectionName), configure, new OperationsOptionsValidator(), out var added);
        if (added)
        {
            builder.Services.TryAddKeyedSingleton(CacheClusterClock.ServiceKey, TimeProvider.System);
            builder.Services.TryAddSingleton<SiloOperations>();
            builder.Services.TryAddSingleton<ClusterOperations>();
            builder.AddIncomingGrainCallFilter<EntryCallRecorder>();
            builder.AddPlacementDirector<SiloPinnedPlacementStrategy, SiloPinnedPlacementDirector>();
        }

        return builder;
    }

    /// <summary>Configures the operator's view in code (after any configuration bound before).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">The changes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterOperations(this ISiloBuilder builder, Action<OperationsOptions> configure) =>
        builder.AddCacheClusterOperations(new ConfigurationBuilder().Build(), configure);
}
