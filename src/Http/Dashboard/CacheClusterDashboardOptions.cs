namespace CacheCluster.Http.Dashboard;

/// <summary>
/// Options of the Orleans Dashboard served by each silo under <c>/dashboard</c>, bound from <c>CacheCluster:Dashboard</c>.
/// </summary>
public sealed class CacheClusterDashboardOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "CacheCluster:Dashboard";

    /// <summary>Where the dashboard is served on the HTTP API's address.</summary>
    public const string Path = "/dashboard";

    /// <summary>The shortest <see cref="SessionLifetime"/>.</summary>
    public static readonly TimeSpan MinSessionLifetime = TimeSpan.FromMinutes(1);

    /// <summary>The longest <see cref="SessionLifetime"/>.</summary>
    public static readonly TimeSpan MaxSessionLifetime = TimeSpan.FromHours(12);

    /// <summary>
    /// Gets or sets whether the silo serves the dashboard. It adds a grain call filter (the dashboard's profiler) to
    /// every grain call of the silo.
    /// </summary>
    /// <value>Default: <see langword="null"/>, on in embedded mode (no <c>CacheCluster:Redis</c>) and off otherwise.</value>
    public bool? Enabled { get; set; }

    /// <summary>
    /// Gets or sets how long a browser session lasts after a sign-in at <c>/dashboard/login</c> (when API keys are
    /// configured); the cookie is not renewed, so the operator signs in again after it.
    /// </summary>
    /// <value>Default: 15 minutes; 1 minute to 12 hours.</value>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
