using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Hosting;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Hosting;

/// <summary>
/// A client-only application started with no silo there: its start returns at once, calls fail at once with
/// CacheClusterUnavailableException, and the client connects by itself when a silo comes. Real sockets and real
/// time: the bounds are generous upper bounds, and the figures are printed.
/// </summary>
public sealed class ClientStartTests(ITestOutputHelper output)
{
    private static readonly TimeProvider Wall = TimeProvider.System;

    [Fact]
    public async Task Start_NoSilo_ReturnsAtOnce_CallsFailAtOnce_AndConnectsWhenASiloComes()
    {
        var ports = LoopbackPorts.Distinct(2);
        var serviceId = "start-" + Guid.NewGuid().ToString("N")[..12];
        using var client = BuildClient(ports[1], serviceId);
        var monitor = client.Services.GetRequiredService<ClusterConnectionMonitor>();
        var cache = client.Services.GetRequiredService<IClusterCache>();
        var limiter = client.Services.GetRequiredService<IClusterRateLimiter>();
        var key = CacheTestCluster.NewKey("start");

        var started = Wall.GetTimestamp();
        await client.StartAsync();
        var startTook = Wall.GetElapsedTime(started);

        Assert.True(startTook < TimeSpan.FromSeconds(2), $"start took {startTook}");
        Assert.False(monitor.IsConnected);
        var calling = Wall.GetTimestamp();

        // Each call answers at once by its failure mode: a read is a miss, GetOrSet runs the factory here, a set
        // throws, a remove throws but is kept for later.
        Assert.False((await cache.TryGetAsync<string>(key)).Found);
        var set = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.SetAsync(key, "v"));
        await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.RemoveAsync(key));
        Assert.Equal("computed here", await cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("computed here")));
        await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.RemoveByTagAsync("t"));
        await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.ScanAsync("*"));
        var decision = await limiter.AcquireAsync(TestPolicies.Fixed, key);
        var callsTook = Wall.GetElapsedTime(calling);

        Assert.True(callsTook < TimeSpan.FromSeconds(2), $"the calls took {callsTook}");
        Assert.Equal("Set", set.Operation);
        Assert.Contains("not connected", set.Message, StringComparison.Ordinal);
        Assert.True(decision.Degraded);
        Assert.False(decision.Allowed);

        var recovered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        monitor.Recovered += recovered.SetResult;
        using var silo = await StartSiloAsync(ports[0], ports[1], serviceId);
        var siloUp = Wall.GetTimestamp();
        await recovered.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var connectTook = Wall.GetElapsedTime(siloUp);

        Assert.True(monitor.IsConnected);
        Assert.True((await cache.SetAsync(key, "v1")).Written);
        Assert.Equal("v1", (await cache.TryGetAsync<string>(key)).Value);
        Assert.False((await limiter.AcquireAsync(TestPolicies.Fixed, key)).Degraded);
        output.WriteLine($"start {startTook.TotalMilliseconds:0} ms; 7 calls while unconnected {callsTook.TotalMilliseconds:0} ms; connected {connectTook.TotalMilliseconds:0} ms after the silo was up");

        // Stopped (and then disposed), the client refuses calls with the same documented error, nothing sent.
        await client.StopAsync(TimeSpan.FromSeconds(10));
        Assert.False(monitor.IsConnected);
        Assert.False((await cache.TryGetAsync<string>(key)).Found);
        client.Dispose();
        await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.SetAsync(key, "v2"));
        await silo.StopAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Start_NoSilo_StopsAtOnce()
    {
        using var client = BuildClient(LoopbackPorts.Next(), "start-stop");
        await client.StartAsync();

        var stopping = Wall.GetTimestamp();
        await client.StopAsync(TimeSpan.FromSeconds(10));
        var stopTook = Wall.GetElapsedTime(stopping);

        Assert.True(stopTook < TimeSpan.FromSeconds(5), $"stop took {stopTook}");
        Assert.False(client.Services.GetRequiredService<ClusterConnectionMonitor>().IsConnected);
        output.WriteLine($"stop {stopTook.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task NotStarted_CallsFailWithUnavailable()
    {
        using var client = BuildClient(LoopbackPorts.Next(), "not-started");
        var cache = client.Services.GetRequiredService<IClusterCache>();

        var error = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => cache.SetAsync("k", "v"));

        Assert.Equal("Set", error.Operation);
    }

    [Fact]
    public async Task WaitForCluster_NoSilo_ThrowsUnavailableAfterConnectTimeout()
    {
        using var client = BuildClient(LoopbackPorts.Next(), "wait", o =>
        {
            o.WaitForCluster = true;
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
        });

        var started = Wall.GetTimestamp();
        var error = await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => client.StartAsync());
        var took = Wall.GetElapsedTime(started);

        Assert.StartsWith("Could not connect to the cluster within 1 s: ", error.Message, StringComparison.Ordinal);
        Assert.IsType<Orleans.Runtime.Messaging.ConnectionFailedException>(error.InnerException);
        Assert.InRange(took, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
        Assert.False(client.Services.GetRequiredService<ClusterConnectionMonitor>().IsConnected);
        output.WriteLine($"gave up after {took.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task WaitForCluster_SiloThere_StartsConnected()
    {
        var ports = LoopbackPorts.Distinct(2);
        var serviceId = "wait-" + Guid.NewGuid().ToString("N")[..12];
        using var silo = await StartSiloAsync(ports[0], ports[1], serviceId);
        using var client = BuildClient(ports[1], serviceId, o => o.WaitForCluster = true);

        await client.StartAsync();

        Assert.True(client.Services.GetRequiredService<ClusterConnectionMonitor>().IsConnected);
        Assert.False((await client.Services.GetRequiredService<IClusterCache>().TryGetAsync<string>(CacheTestCluster.NewKey("wait"))).Found);
        await client.StopAsync(TimeSpan.FromSeconds(10));
        await silo.StopAsync(TimeSpan.FromSeconds(10));
    }

    internal static IHost BuildClient(int gatewayPort, string serviceId, Action<CacheClusterClientOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCacheClusterClient(o =>
        {
            o.Gateways.Add($"127.0.0.1:{gatewayPort}");
            o.ServiceId = serviceId;
            configure?.Invoke(o);
        });
        return builder.Build();
    }

    private static async Task<IHost> StartSiloAsync(int siloPort, int gatewayPort, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.AddCacheCluster(options =>
            {
                options.SiloPort = siloPort;
                options.GatewayPort = gatewayPort;
                options.ServiceId = serviceId;
            });
            silo.AddCacheClusterRateLimiting(TestPolicies.AddTo);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
