using CacheCluster.Eviction;
using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.GrainDirectory;

namespace Orleans.Hosting;

/// <summary>Registers the silo's memory bounds: idle entries leave memory, and past the bounds the least recently used go.</summary>
public static class CacheClusterEvictionExtensions
{
    /// <summary>
    /// Adds (or configures further) the memory bounds, bound from <c>CacheCluster:EntryIdleTimeout</c>,
    /// <c>CacheCluster:MaxMemoryMB</c> and <c>CacheCluster:MaxEntries</c>. <c>AddCacheCluster</c> calls it.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterEviction(this ISiloBuilder builder, IConfiguration configuration, Action<EvictionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var options = ValidatedOptions.Add(builder.Services, configuration.GetSection(CacheClusterOptions.SectionName), configure, new EvictionOptionsValidator(), out var added);
        if (added)
        {
            AddServices(builder, options);
        }

        return builder;
    }

    /// <summary>Configures the memory bounds in code (after any configuration bound before).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">The changes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterEviction(this ISiloBuilder builder, Action<EvictionOptions> configure) =>
        builder.AddCacheClusterEviction(new ConfigurationBuilder().Build(), configure);

    /// <summary>
    /// The directory cache a bounded silo keeps: no more addresses than <see cref="EvictionOptions.MaxEntries"/>
    /// (at least 1,000), nor than fill a twentieth of <see cref="EvictionOptions.MaxMemoryMB"/> at 400 bytes each.
    /// </summary>
    internal static int? DirectoryCacheSize(EvictionOptions options)
    {
        int? size = options.MaxEntries is { } entries ? Math.Max(1_000, entries) : null;
        if (options.MaxMemoryMB is { } megabytes)
        {
            var byMemory = (int)Math.Min(int.MaxValue, Math.Max(1_000, megabytes * 1024L * 1024 / 20 / 400));
            size = size is { } s ? Math.Min(s, byMemory) : byMemory;
        }

        return size;
    }

    /// <summary>
    /// Makes Orleans' grain-address cache an <see cref="EntryAddressCache"/>: an entry's address leaves it with the
    /// activation, an unused one after <see cref="EvictionOptions.EntryIdleTimeout"/> (Orleans keeps them up to
    /// 240 s, and after collection), and it holds at most <see cref="EntryAddressCache.DefaultCacheSize"/> addresses
    /// unless <see cref="GrainDirectoryOptions.CacheSize"/> was set. Not when the application registered a cache of its own.
    /// </summary>
    internal static void UseEntryAddressCache(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(IGrainDirectoryCache)))
        {
            return;
        }

        services.TryAddSingleton(sp => new EntryAddressCache(sp, sp.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value));
        services.AddSingleton<IGrainDirectoryCache>(sp => sp.GetRequiredService<EntryAddressCache>());
        services.AddOptions<GrainDirectoryOptions>().Configure<IOptions<EvictionOptions>>((directory, eviction) =>
        {
            if (directory.CachingStrategy != GrainDirectoryOptions.CachingStrategyType.None)
            {
                directory.CachingStrategy = GrainDirectoryOptions.CachingStrategyType.Custom;
            }

            if (directory.CacheSize == GrainDirectoryOptions.DEFAULT_CACHE_SIZE)
            {
                directory.CacheSize = EntryAddressCache.DefaultCacheSize;
            }

            if (eviction.Value.EntryIdleTimeout < directory.MaximumCacheTTL)
            {
                directory.MaximumCacheTTL = eviction.Value.EntryIdleTimeout;
            }
        });
    }

    private static void AddServices(ISiloBuilder builder, EvictionOptions options)
    {
        var services = builder.Services;
        services.TryAddSingleton<EvictionTrigger>();
        services.TryAddSingleton<ActiveEntryTable>();
        services.TryAddSingleton<IProcessMemory, ProcessMemory>();
        services.TryAddSingleton<EntryEvictionMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<EntryEvictionMonitor>());
        services.AddHostedService<SweepCompactionService>();

        // Read when Orleans resolves its options, so every later AddCacheClusterEviction call counts.
        builder.Configure<GrainCollectionOptions>(collection =>
        {
            // Idle entries give their activation back and live on as compact records in the store.
            collection.ClassSpecificCollectionAge[typeof(CacheCluster.Entries.CacheEntryGrain).FullName!] = options.EntryIdleTimeout;
            var quantum = options.EntryIdleTimeout / 2;
            if (quantum < collection.CollectionQuantum)
            {
                collection.CollectionQuantum = quantum;
            }
        });

        // Orleans caches a grain's address (about 400 bytes with its key) for every grain called, up to a million,
        // long after the activation went: per entry, more than the entry's record. A bounded silo keeps the cache within
        // its bounds (a lone embedded silo keeps none; see AddCacheCluster).
        builder.Configure<GrainDirectoryOptions>(directory =>
        {
            if (directory.CachingStrategy != GrainDirectoryOptions.CachingStrategyType.None && DirectoryCacheSize(options) is { } size)
            {
                directory.CacheSize = Math.Min(directory.CacheSize, size);
            }
        });
    }
}
