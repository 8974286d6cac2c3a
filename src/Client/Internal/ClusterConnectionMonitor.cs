namespace CacheCluster.Internal;

/// <summary>Raises <see cref="Recovered"/> when the client regains a gateway after having none.</summary>
internal sealed class ClusterConnectionMonitor
{
    public event Action? Recovered;

    public void OnGatewayCountChanged(object? sender, GatewayCountChangedEventArgs e)
    {
        if (e.ConnectionRecovered)
        {
            Recovered?.Invoke();
        }
    }
}
