namespace CacheCluster.Cli.Connection.Http;

/// <summary>The services a command asks for, over HTTP: the cache, the rate limiter and the operator's view, and nothing else.</summary>
internal sealed class HttpServices(HttpApiClient api) : IServiceProvider
{
    private readonly HttpCache _cache = new(api);
    private readonly HttpRateLimiter _rateLimiter = new(api);
    private readonly HttpOperations _operations = new(api);

    public object? GetService(Type serviceType) =>
        serviceType == typeof(IClusterCache) ? _cache
            : serviceType == typeof(IClusterRateLimiter) ? _rateLimiter
            : serviceType == typeof(HttpOperations) ? _operations
            : null;
}
