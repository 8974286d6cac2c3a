using CacheCluster.Http.Auth;
using CacheCluster.Http.Edges;
using CacheCluster.Http.Entries;
using CacheCluster.Http.Invalidation;
using CacheCluster.Http.RateLimiting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the CacheCluster HTTP API.</summary>
public static class CacheClusterHttpApplicationExtensions
{
    /// <summary>
    /// Adds the API's middleware (problem+json for every error, CORS when origins are configured, API-key checks) and maps its endpoints:
    /// <c>/v1/cache/{key}</c>, <c>/v1/invalidate</c>, <c>/v1/events</c>, <c>/v1/ratelimit/{policy}/{identifier}</c>, <c>/v1/cluster</c>
    /// (with <c>/hotkeys</c> and <c>/slowlog</c>), <c>/health/live</c>, <c>/health/ready</c>, <c>/metrics</c> and, when
    /// <c>AddCacheClusterDashboard</c> enabled it, <c>/dashboard</c>. Needs <c>AddCacheClusterHttp</c>.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static WebApplication UseCacheClusterHttp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // The request's edges first: a Host this API does not answer, a dot segment in the raw target.
        app.UseMiddleware<HostCheckMiddleware>();
        app.UseMiddleware<DotSegmentMiddleware>();

        // Before the key check: a preflight carries no key, and a 401 must carry the CORS headers for the page to read it.
        CacheCluster.Http.Hosting.HttpCors.Use(app);
        app.UseMiddleware<ApiKeyMiddleware>();

        // Hash the API keys now, and keep only the hashes: the secrets leave the options and the configuration.
        _ = app.Services.GetRequiredService<ApiKeyAuthenticator>();
        ApiKeyAuthenticator.ForgetSecrets(app.Configuration);
        app.UseMiddleware<CacheCluster.Http.Hosting.QueryParameterMiddleware>();
        app.UseMiddleware<JsonContentTypeMiddleware>();

        CacheEndpoints.Map(app);

        // The endpoints that read JSON bodies: Content-Type: application/json or 415.
        var json = app.MapGroup(string.Empty).WithMetadata(JsonBody.Instance);
        InvalidateEndpoint.Map(json);
        CacheCluster.Http.Events.EventsEndpoint.Map(json);
        RateLimitEndpoint.Map(app);
        CacheCluster.Http.Dashboard.DashboardEndpoints.Map(app);
        CacheCluster.Http.Operations.ClusterEndpoints.Map(app);

        // The cluster status shows each silo's HTTP address: this one's is known once Kestrel has bound it.
        if (app.Services.GetService(typeof(CacheCluster.Operations.ClusterOperations)) is CacheCluster.Operations.ClusterOperations operations)
        {
            app.Lifetime.ApplicationStarted.Register(() => operations.LocalHttpAddress = app.Urls.FirstOrDefault());
        }

        // Health needs no key: orchestrators probe it. Metrics need admin when keys are configured.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).WithMetadata(PublicEndpoint.Instance);
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).WithMetadata(PublicEndpoint.Instance);
        app.MapPrometheusScrapingEndpoint("/metrics").WithMetadata(new RequiredScope(ApiScopes.Admin));
        return app;
    }
}
