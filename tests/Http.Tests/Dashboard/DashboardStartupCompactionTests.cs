using CacheCluster.Http.Dashboard;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Tests.Dashboard;

/// <summary>The one compacting collection after start that gives back the dashboard's start-up garbage.</summary>
public sealed class DashboardStartupCompactionTests
{
    [Fact]
    public async Task StartedAsync_CollectsOnce_NothingBeforeTheHostHasStarted()
    {
        var collections = 0;
        var compaction = new DashboardStartupCompaction(() => collections++);

        await compaction.StartingAsync(CancellationToken.None);
        await compaction.StartAsync(CancellationToken.None);
        Assert.Equal(0, collections);

        await compaction.StartedAsync(CancellationToken.None);
        await compaction.StoppingAsync(CancellationToken.None);
        await compaction.StopAsync(CancellationToken.None);
        await compaction.StoppedAsync(CancellationToken.None);
        Assert.Equal(1, collections);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("false", false)]
    public void AddCacheClusterDashboard_RegistersTheCompaction_OnlyWhenTheDashboardIsServed(string? enabled, bool registered)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:Dashboard:Enabled"] = enabled });
        builder.UseOrleans(silo => silo.AddCacheCluster(builder.Configuration).AddCacheClusterDashboard(builder.Configuration));
        using var host = builder.Build();

        Assert.Equal(registered, host.Services.GetServices<IHostedService>().OfType<DashboardStartupCompaction>().Any());
    }
}
