using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Hosting;

/// <summary>What the registration puts in place for the start: our starter instead of Orleans', WaitForCluster, the log filter.</summary>
public sealed class ClientStartRegistrationTests
{
    [Fact]
    public void Registration_StartsTheOrleansClientThroughOurStarter_Only()
    {
        using var provider = new ServiceCollection().AddCacheClusterClient().AddCacheClusterClient().BuildServiceProvider();

        var hosted = Assert.Single(provider.GetServices<IHostedService>());

        Assert.IsType<ClusterClientStarter>(hosted);
    }

    [Fact]
    public void Registration_AfterTheApplicationsOwnOrleansClient_ReplacesItsHostedServiceToo()
    {
        var services = new ServiceCollection();
        services.AddOrleansClient(_ => { });
        services.AddCacheClusterClient();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<ClusterClientStarter>(Assert.Single(provider.GetServices<IHostedService>()));
    }

    [Fact]
    public async Task ApplicationsOwnClient_IsUsedAsItIs_ConnectedAndNotStarted()
    {
        var own = FailingClient.Create(new TimeoutException("the application's client"));
        using var provider = new ServiceCollection().AddCacheClusterClient(o => o.Resilience.ReadFailureMode = CacheCluster.Resilience.CacheReadFailureMode.Throw).AddSingleton(own).BuildServiceProvider();

        await provider.GetRequiredService<IHostedService>().StartAsync(CancellationToken.None);

        Assert.True(provider.GetRequiredService<ClusterConnectionMonitor>().IsConnected);
        Assert.Equal(Task.CompletedTask, provider.GetRequiredService<ClusterClientStarter>().Started);
        var error = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => provider.GetRequiredService<IClusterCache>().TryGetAsync<string>("k"));
        Assert.Equal("the application's client", error.InnerException!.Message);
    }

    [Fact]
    public void WaitForCluster_IsBoundFromConfiguration_AndDefaultsToFalse()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["CacheCluster:WaitForCluster"] = "true" }).Build();
        using var bound = new ServiceCollection().AddCacheClusterClient(configuration).BuildServiceProvider();
        using var plain = new ServiceCollection().AddCacheClusterClient().BuildServiceProvider();

        Assert.True(bound.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value.WaitForCluster);
        Assert.False(plain.GetRequiredService<IOptions<CacheClusterClientOptions>>().Value.WaitForCluster);
    }

    [Fact]
    public async Task Logs_AtTheDefaultLevel_HaveNoOrleansInformationLines()
    {
        var logs = await StartAndStopAsync(configuration: []);

        Assert.DoesNotContain(logs.Lines, l => l.Category.StartsWith("Orleans", StringComparison.Ordinal) && l.Level < LogLevel.Warning);
        Assert.Contains(logs.Lines, l => l.Category == "CacheCluster.Internal.ConnectRetryFilter" && l.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task Logs_ApplicationConfigurationForOrleans_WinsOverTheClientsFilter()
    {
        var logs = await StartAndStopAsync(configuration: new() { ["Logging:LogLevel:Orleans"] = "Information" });

        Assert.Contains(logs.Lines, l => l.Category.StartsWith("Orleans", StringComparison.Ordinal) && l.Level == LogLevel.Information);
    }

    /// <summary>Starts a client host with no silo until its retry filter has reported the first failure, and stops it.</summary>
    private static async Task<LogRecorder> StartAndStopAsync(Dictionary<string, string?> configuration)
    {
        var logs = new LogRecorder();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddProvider(logs);
        builder.Services.AddCacheClusterClient(o => o.Gateways.Add($"127.0.0.1:{LoopbackPorts.Next()}"));
        using var host = builder.Build();
        var failed = logs.FirstLineOf("CacheCluster.Internal.ConnectRetryFilter");

        await host.StartAsync();
        await failed.WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync(TimeSpan.FromSeconds(10));
        return logs;
    }
}
