namespace CacheCluster.Internal;

/// <summary>Raises <see cref="Lost"/> when the client loses its last gateway, and <see cref="Recovered"/> when it regains one.</summary>
internal sealed class ClusterConnectionMonitor
{
    private volatile bool _connected = true;

    public event Action? Lost;

    /// <summary>
    /// Gets a value indicating whether the client has a gateway: calls made while it has none fail at once (no call
    /// is sent) and answer through the fallbacks.
    /// </summary>
    public bool IsConnected => _connected;

    public event Action? Recovered;

    public void OnGatewayCountChanged(object? sender, GatewayCountChangedEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.ConnectionRecovered)
        {
            _connected = true;
            Recovered?.Invoke();
        }
        else if (e.NumberOfConnectedGateways == 0 && e.PreviousNumberOfConnectedGateways > 0)
        {
            _connected = false;
            Lost?.Invoke();
        }
    }
}
