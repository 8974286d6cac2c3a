using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Dashboard;

/// <summary>Checks <see cref="CacheClusterDashboardOptions"/> at startup; each message names its configuration key.</summary>
internal sealed class CacheClusterDashboardOptionsValidator : IValidateOptions<CacheClusterDashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, CacheClusterDashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SessionLifetime < CacheClusterDashboardOptions.MinSessionLifetime || options.SessionLifetime > CacheClusterDashboardOptions.MaxSessionLifetime)
        {
            return ValidateOptionsResult.Fail(
                $"{CacheClusterDashboardOptions.SectionName}:{nameof(options.SessionLifetime)} must be from {CacheClusterDashboardOptions.MinSessionLifetime} to {CacheClusterDashboardOptions.MaxSessionLifetime} (was {options.SessionLifetime}).");
        }

        return ValidateOptionsResult.Success;
    }
}
