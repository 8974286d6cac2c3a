namespace CacheCluster.Resilience;

/// <summary>The state of the client's circuit breaker (the <c>cachecluster.client.breaker.state</c> gauge's value).</summary>
public enum CircuitBreakerState
{
    /// <summary>Calls go to the cluster.</summary>
    Closed = 0,

    /// <summary>Calls answer through the fallbacks without calling the cluster.</summary>
    Open = 1,

    /// <summary>One call probes the cluster; the others answer through the fallbacks.</summary>
    HalfOpen = 2,
}
