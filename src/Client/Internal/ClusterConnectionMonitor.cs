namespace CacheCluster.Internal;

/// <summary>Raises <see cref="Lost"/> when the client loses its last gateway, and <see cref="Recovered"/> when it regains one.</summary>
internal sealed class ClusterConnectionMonitor
{
    public event Action? Lost;

    public event Action? Recovered;

    public void OnGatewayCountChanged(object? sender, GatewayCountChangedEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.ConnectionRecovered)
        {
            Recovered?.Invoke();
        }
        else if (e.NumberOfConnectedGateways == 0 && e.PreviousNumberOfConnectedGateways > 0)
        {
            Lost?.Invoke();
        }
    }
}
