using System.Globalization;
using System.Threading.RateLimiting;
using CacheCluster.Samples.Shop.Checkout;
using Microsoft.AspNetCore.RateLimiting;

namespace CacheCluster.Samples.Shop.Hosting;

/// <summary>
/// ASP.NET Core's rate limiter over the cluster's limiters: an endpoint with <see cref="ClusterRateLimited"/> metadata
/// counts against that cluster policy per client IP, one count for every instance of the shop; others are not limited.
/// </summary>
internal static class ShopRateLimiting
{
    public static IServiceCollection AddShopRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };
        });

        // The global limiter needs the cluster's limiter from DI; the routing middleware has chosen the endpoint by then.
        services.AddOptions<RateLimiterOptions>().Configure<IClusterRateLimiter>((options, limiter) =>
            options.GlobalLimiter = limiter.CreatePartitioned<HttpContext>(context =>
                context.GetEndpoint()?.Metadata.GetMetadata<ClusterRateLimited>() is { } limited
                    ? new ClusterRateLimitPartition(limited.Policy, context.Connection.RemoteIpAddress?.ToString() ?? "unknown")
                    : null));
        return services;
    }
}
