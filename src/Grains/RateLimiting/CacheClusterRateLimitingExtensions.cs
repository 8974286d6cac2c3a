using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Orleans.Hosting;

/// <summary>Registers the cluster's rate limiters: one grain per policy and identifier, over the silo's store.</summary>
public static class CacheClusterRateLimitingExtensions
{
    /// <summary>
    /// Adds (or configures further) the rate-limit policies, bound from <c>CacheCluster:RateLimits:{name}</c> and
    /// <c>CacheCluster:RateLimitCheckpointInterval</c>. <c>AddCacheCluster</c> calls it.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterRateLimiting(this ISiloBuilder builder, IConfiguration configuration, Action<RateLimitingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        // The configuration binder drops a dictionary entry it cannot convert (Algorithm=Fixed) without a word; a policy
        // the silo would then not know must stop the silo instead, naming the value at fault.
        var failures = UnreadablePolicies(configuration.GetSection($"{CacheClusterOptions.SectionName}:{nameof(RateLimitingOptions.RateLimits)}"));
        var added = false;
        ValidatedOptions.Collect(failures, () => ValidatedOptions.Add(builder.Services, configuration.GetSection(CacheClusterOptions.SectionName), configure, new RateLimitingOptionsValidator(), out added));
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(RateLimitingOptions), failures);
        }

        if (added)
        {
            // A limiter idles out as an entry does (EvictionOptions.EntryIdleTimeout); its state lives on in the store.
            builder.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<EvictionOptions>>((collection, eviction) =>
                collection.ClassSpecificCollectionAge[typeof(CacheCluster.RateLimiting.RateLimiterGrain).FullName!] = eviction.Value.EntryIdleTimeout);
        }

        return builder;
    }

    private static List<string> UnreadablePolicies(IConfigurationSection policies)
    {
        var failures = new List<string>();
        foreach (var policy in policies.GetChildren())
        {
            try
            {
                policy.Get<RateLimitPolicyOptions>(binder => binder.ErrorOnUnknownConfiguration = true);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add($"{policy.Path} cannot be read: {ex.Message}");
            }
        }

        return failures;
    }

    /// <summary>Configures the rate-limit policies in code (after any configuration bound before).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">The changes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterRateLimiting(this ISiloBuilder builder, Action<RateLimitingOptions> configure) =>
        builder.AddCacheClusterRateLimiting(new ConfigurationBuilder().Build(), configure);
}
