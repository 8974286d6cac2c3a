namespace CacheCluster.Internal;

/// <summary>
/// Whether the client can reach the cluster: connected once the Orleans client has started and while it has a gateway.
/// Raises <see cref="Recovered"/> when it becomes connected (the first connection included) and <see cref="Lost"/> when
/// it stops being connected (its last gateway lost, or the client stopped).
/// </summary>
/// <remarks>
/// Orleans reports the first gateway while its client is still starting (before the client can send anything), so a
/// gateway alone does not make the client connected: <see cref="OnClientStarted"/> does, with a gateway.
/// </remarks>
internal sealed class ClusterConnectionMonitor
{
    private readonly Lock _lock = new();
    private bool _started;
    private int _gateways;
    private volatile bool _connected;

    /// <summary>Initializes a new instance of the <see cref="ClusterConnectionMonitor"/> class, connected (a co-hosted silo's client).</summary>
    public ClusterConnectionMonitor()
        : this(started: true)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ClusterConnectionMonitor"/> class.</summary>
    /// <param name="started">
    /// <see langword="true"/> for a client that is running with a gateway already (a co-hosted silo's own client, which
    /// nothing ever reports on); <see langword="false"/> for an Orleans client yet to start: not connected until it has.
    /// </param>
    public ClusterConnectionMonitor(bool started)
    {
        _started = started;
        _gateways = started ? 1 : 0;
        _connected = started;
    }

    public event Action? Lost;

    public event Action? Recovered;

    /// <summary>
    /// Gets a value indicating whether the client has a gateway: calls made while it has none fail at once (no call
    /// is sent) and answer through the fallbacks.
    /// </summary>
    public bool IsConnected => _connected;

    /// <summary>Orleans' gateway count handler.</summary>
    public void OnGatewayCountChanged(object? sender, GatewayCountChangedEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Update(() => _gateways = e.NumberOfConnectedGateways);
    }

    /// <summary>The Orleans client has started: it can send calls while it has a gateway.</summary>
    public void OnClientStarted() => Update(() => _started = true);

    /// <summary>The Orleans client is stopping: nothing more is sent.</summary>
    public void OnClientStopping() => Update(() => _started = false);

    /// <summary>
    /// Throws when the client is not connected, before anything is sent (a call on a client that has not started
    /// would fail inside Orleans with an error that says nothing of the cause).
    /// </summary>
    /// <exception cref="CacheClusterUnavailableException">The client is not connected.</exception>
    public void ThrowIfNotConnected(string key, ClusterOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (!_connected)
        {
            throw NotConnected(key, operation);
        }
    }

    public static CacheClusterUnavailableException NotConnected(string key, ClusterOperation operation) =>
        new($"The client is not connected to the cluster (it keeps connecting in the background): {operation.Name} was not sent.")
        {
            Key = CacheKey.Describe(key),
            Operation = operation.Name,
        };

    private void Update(Action change)
    {
        // Raised under the lock, so that listeners hear the changes in the order they happened.
        lock (_lock)
        {
            var was = _connected;
            change();
            var now = _started && _gateways > 0;
            _connected = now;
            if (now && !was)
            {
                Recovered?.Invoke();
            }
            else if (was && !now)
            {
                Lost?.Invoke();
            }
        }
    }
}
