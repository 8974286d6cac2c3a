using CacheCluster.Hosting;
using CacheCluster.Http.Dashboard;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Orleans.Hosting;

/// <summary>Registers the Orleans Dashboard, served by the silo's HTTP API under <c>/dashboard</c>.</summary>
public static class CacheClusterDashboardExtensions
{
    /// <summary>
    /// Adds the Orleans Dashboard when <c>CacheCluster:Dashboard:Enabled</c> says so, by default in embedded mode
    /// only (no <c>CacheCluster:Redis</c>); <c>UseCacheClusterHttp</c> then maps it under <c>/dashboard</c>. With
    /// API keys configured it needs the admin scope: a Bearer header, or a session cookie from <c>/dashboard/login</c>.
    /// Call it after <c>AddCacheCluster</c>.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    /// <exception cref="InvalidOperationException"><c>AddCacheCluster</c> was not called first.</exception>
    public static ISiloBuilder AddCacheClusterDashboard(this ISiloBuilder builder, IConfiguration configuration, Action<CacheClusterDashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var cluster = ValidatedOptions.Find<CacheClusterOptions>(builder.Services)
            ?? throw new InvalidOperationException("AddCacheClusterDashboard needs AddCacheCluster first: the dashboard's default depends on the mode.");
        var options = ValidatedOptions.Add(
            builder.Services, configuration.GetSection(CacheClusterDashboardOptions.SectionName), configure, new CacheClusterDashboardOptionsValidator(), out _);
        var enabled = options.Enabled ?? cluster.Redis is null;
        if (enabled && !builder.Services.Any(service => service.ServiceType == typeof(DashboardSessions)))
        {
            builder.AddDashboard();
            builder.Services.TryAddKeyedSingleton(CacheCluster.CacheClusterClock.ServiceKey, TimeProvider.System);
            builder.Services.AddSingleton<DashboardSessions>();
            builder.Services.AddHostedService(_ => new DashboardStartupCompaction());
        }

        return builder;
    }
}
