using CacheCluster.Expiry;
using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orleans.Hosting;

/// <summary>Registers the silo's housekeeping loop, which releases expired entries and runs the stores' sweeps.</summary>
public static class CacheClusterExpiryExtensions
{
    /// <summary>
    /// Adds (or configures further) the expiry loop, bound from <c>CacheCluster:ExpirySweepInterval</c>.
    /// <c>AddCacheCluster</c> calls it.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterExpiry(this ISiloBuilder builder, IConfiguration configuration, Action<ExpiryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        ValidatedOptions.Add(builder.Services, configuration.GetSection(CacheClusterOptions.SectionName), configure, new ExpiryOptionsValidator(), out var added);
        if (added)
        {
            builder.Services.TryAddSingleton<EntryExpiryScheduler>();
            builder.Services.AddSingleton<IExpirySweep>(sp => sp.GetRequiredService<EntryExpiryScheduler>());
            builder.Services.AddHostedService<ExpiryService>();
        }

        return builder;
    }

    /// <summary>Configures the expiry loop in code (after any configuration bound before).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">The changes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterExpiry(this ISiloBuilder builder, Action<ExpiryOptions> configure) =>
        builder.AddCacheClusterExpiry(new ConfigurationBuilder().Build(), configure);
}
