using CacheCluster.Caching.Distributed;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Tests.Caching;

/// <summary>A started application host with the distributed cache; disposing it stops it.</summary>
public sealed class DistributedTestHost(IHost host) : IAsyncDisposable
{
    public IServiceProvider Services => host.Services;

    /// <summary>Gets the application's <see cref="IDistributedCache"/>, as its libraries resolve it.</summary>
    public IDistributedCache Cache => host.Services.GetRequiredService<IDistributedCache>();

    /// <summary>Gets the same cache through its buffer interface.</summary>
    public IBufferDistributedCache BufferCache => (IBufferDistributedCache)Cache;

    public CacheClusterDistributedCache Adapter => host.Services.GetRequiredService<CacheClusterDistributedCache>();

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(5));
        host.Dispose();
    }
}
