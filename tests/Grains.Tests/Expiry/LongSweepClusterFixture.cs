using CacheCluster.Expiry;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace CacheCluster.Tests.Expiry;

/// <summary>
/// One in-memory silo whose expiry sweep runs every 10 minutes of cache time (the most the option allows), so tests can
/// advance the clock by hours with dozens of sweeps rather than tens of thousands; and a <see cref="SweepProbe"/> after
/// the silo's own sweeps. One silo: one loop, so the store's sweep is never skipped for another silo's.
/// </summary>
public sealed class LongSweepClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    public CacheTestCluster Cluster { get; private set; } = null!;

    internal SweepProbe Probe { get; } = new();

    public async Task InitializeAsync() => Cluster = await CacheTestCluster.StartAsync(silos: 1, configure: silo =>
    {
        silo.AddCacheClusterExpiry(options => options.ExpirySweepInterval = SweepInterval);
        silo.Services.AddSingleton<IExpirySweep>(Probe);
    });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
