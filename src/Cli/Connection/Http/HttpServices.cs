namespace CacheCluster.Cli.Connection.Http;

/// <summary>The services a command asks for, over HTTP: the cache and the rate limiter, and nothing else.</summary>
internal sealed class HttpServices(HttpApiClient api) : IServiceProvider
{
    private readonly HttpCache _cache = new(api);
    private readonly HttpRateLimiter _rateLimiter = new(api);

    public object? GetService(Type serviceType) =>
        serviceType == typeof(IClusterCache) ? _cache
            : serviceType == typeof(IClusterRateLimiter) ? _rateLimiter
            : null;
}
