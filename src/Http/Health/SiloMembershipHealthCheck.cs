using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CacheCluster.Http.Health;

/// <summary>Ready when this silo is Active in the cluster's membership.</summary>
internal sealed class SiloMembershipHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var membership = (IClusterMembershipService?)services.GetService(typeof(IClusterMembershipService));
        var local = (ILocalSiloDetails?)services.GetService(typeof(ILocalSiloDetails));
        if (membership is null || local is null)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("No silo runs in this process."));
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("This silo is Active.")
            : HealthCheckResult.Unhealthy($"This silo is {status}, not Active."));
    }
}
