using CacheCluster.Internal;

namespace CacheCluster.Tests.Hosting;

public sealed class ClusterConnectionMonitorTests
{
    [Fact]
    public void Monitor_NotStarted_ConnectsOnlyOnceStartedWithAGateway_AndReportsEachChangeOnce()
    {
        var monitor = new ClusterConnectionMonitor(started: false);
        var events = new List<string>();
        monitor.Recovered += () => events.Add($"recovered:{monitor.IsConnected}");
        monitor.Lost += () => events.Add($"lost:{monitor.IsConnected}");

        Assert.False(monitor.IsConnected);

        // Orleans reports the first gateway while its client is still starting: not yet connected.
        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(1, 0));
        Assert.False(monitor.IsConnected);

        monitor.OnClientStarted();
        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(2, 1));
        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(1, 2));
        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(0, 1));
        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(1, 0));
        monitor.OnClientStopping();
        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(0, 1));

        Assert.Equal(["recovered:True", "lost:False", "recovered:True", "lost:False"], events);
        Assert.False(monitor.IsConnected);
    }

    [Fact]
    public void Monitor_StartedButGatewayLostBeforeStartEnded_ConnectsWithTheNextGateway()
    {
        var monitor = new ClusterConnectionMonitor(started: false);
        var recovered = 0;
        monitor.Recovered += () => recovered++;

        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(1, 0));
        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(0, 1));
        monitor.OnClientStarted();
        Assert.Equal((false, 0), (monitor.IsConnected, recovered));

        monitor.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(1, 0));
        Assert.Equal((true, 1), (monitor.IsConnected, recovered));
    }

    [Fact]
    public void Monitor_CoHosted_IsConnected()
    {
        Assert.True(new ClusterConnectionMonitor(started: true).IsConnected);
        Assert.True(new ClusterConnectionMonitor().IsConnected);
    }

    [Fact]
    public void ThrowIfNotConnected_Unconnected_ThrowsUnavailableNamingKeyAndOperation()
    {
        var monitor = new ClusterConnectionMonitor(started: false);

        var error = Assert.Throws<CacheClusterUnavailableException>(() => monitor.ThrowIfNotConnected("user:1", ClusterOperation.Set));

        Assert.Equal("Set", error.Operation);
        Assert.Equal(CacheKey.Describe("user:1"), error.Key);
        Assert.Equal("The client is not connected to the cluster (it keeps connecting in the background): Set was not sent.", error.Message);
        new ClusterConnectionMonitor(started: true).ThrowIfNotConnected("user:1", ClusterOperation.Set);
    }
}
