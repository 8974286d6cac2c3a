using CacheCluster.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Orleans.Hosting;

/// <summary>Registers the silo's failure detection: how fast a dead silo is noticed.</summary>
public static class CacheClusterMembershipExtensions
{
    /// <summary>
    /// Adds (or configures further) failure detection, bound from <c>CacheCluster:Membership</c> and passed to Orleans'
    /// <see cref="ClusterMembershipOptions"/> unless <see cref="CacheClusterOptions.Clustering"/> is
    /// <see cref="ClusteringMode.External"/>. <c>AddCacheCluster</c> calls it.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterMembership(this ISiloBuilder builder, IConfiguration configuration, Action<CacheClusterMembershipOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        var tuned = ValidatedOptions.Add(builder.Services, configuration.GetSection(CacheClusterMembershipOptionsValidator.SectionName), configure, new CacheClusterMembershipOptionsValidator(), out var added);
        if (added)
        {
            builder.Services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<CacheClusterOptions>>((membership, host) =>
            {
                if (host.Value.Clustering != ClusteringMode.Auto)
                {
                    return;
                }

                membership.ProbeTimeout = tuned.ProbeTimeout;
                membership.MaxProbeTimeout = tuned.MaxProbeTimeout;
                membership.NumMissedProbesLimit = tuned.NumMissedProbesLimit;
                membership.NumVotesForDeathDeclaration = tuned.NumVotesForDeathDeclaration;
                membership.DeathVoteExpirationTimeout = tuned.DeathVoteExpirationTimeout;
                membership.IAmAliveTablePublishTimeout = tuned.IAmAliveTablePublishTimeout;
                membership.TableRefreshTimeout = tuned.TableRefreshTimeout;
            });
        }

        return builder;
    }

    /// <summary>Configures failure detection in code (after any configuration bound before).</summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">The changes.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="OptionsValidationException">An option is invalid; the message names the configuration key.</exception>
    public static ISiloBuilder AddCacheClusterMembership(this ISiloBuilder builder, Action<CacheClusterMembershipOptions> configure) =>
        builder.AddCacheClusterMembership(new ConfigurationBuilder().Build(), configure);
}
