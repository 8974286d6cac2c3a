using CacheCluster;
using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CacheCluster client in an application's services.</summary>
public static class CacheClusterClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Orleans client and <see cref="IClusterCache"/>, with options bound from the <c>CacheCluster</c> section.
    /// May be called any number of times (each adapter calls it): see <see cref="AddCacheClusterClient(IServiceCollection, Action{CacheClusterClientOptions}?)"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid, or a TLS certificate cannot be loaded (the message names the key).</exception>
    public static IServiceCollection AddCacheClusterClient(this IServiceCollection services, IConfiguration configuration, Action<CacheClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddCacheClusterClient(options =>
        {
            configuration.GetSection(CacheClusterClientOptions.SectionName).Bind(options);
            configure?.Invoke(options);
        });
    }

    /// <summary>
    /// Adds <see cref="IClusterCache"/>, <see cref="IClusterRateLimiter"/> and the Orleans client they use: the
    /// localhost gateway by default, Redis membership when <see cref="CacheClusterClientOptions.Redis"/> is set.
    /// </summary>
    /// <remarks>
    /// <para>
    /// May be called any number of times (each adapter calls it): there is one Orleans client, one
    /// <see cref="IClusterCache"/> and one <see cref="CacheClusterClientOptions"/> instance, and each call's
    /// <paramref name="configure"/> is applied to that instance, in call order, and checked again.
    /// </para>
    /// <para>
    /// Co-hosting: in services where <c>UseOrleans</c> (or <c>AddOrleans</c>) has already configured a silo, no
    /// Orleans client is added (Orleans allows one client or one silo per process): the cache uses the silo's own
    /// <see cref="IClusterClient"/>, and the connection settings (gateways, Redis, TLS, cluster identity, timeouts)
    /// do not apply. Call <c>UseOrleans</c> first: Orleans refuses a silo added after a client.
    /// </para>
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options, or <see langword="null"/> for the defaults (or to keep earlier calls' settings).</param>
    /// <returns>The services.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid, or a TLS certificate cannot be loaded (the message names the key).</exception>
    public static IServiceCollection AddCacheClusterClient(this IServiceCollection services, Action<CacheClusterClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var failures = new List<string>();
        ValidatedOptions.Collect(failures, () => ValidatedOptions.Add(services, null, configure, new CacheClusterClientOptionsValidator(), out _));
        var options = ValidatedOptions.Find<CacheClusterClientOptions>(services)!;
        var registration = ClusterClientRegistration.Find(services) ?? ClusterClientRegistration.Create(services, options);
        registration.ApplyConnection(services, options, failures);
        return services;
    }

    internal static bool TryParseEndpoint(string value, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = value?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), out port) || port is < 1 or > 65535)
        {
            return false;
        }

        host = value![..colon].Trim('[', ']');
        return host.Length > 0;
    }
}
