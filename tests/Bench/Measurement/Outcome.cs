namespace CacheCluster.Bench.Measurement;

/// <summary>What one rate-limit decision said.</summary>
internal enum Outcome
{
    /// <summary>The permit was granted.</summary>
    Allowed,

    /// <summary>The permit was refused by the limiter.</summary>
    Limited,

    /// <summary>No limiter answered; the client's failure mode decided (CacheCluster only). Invalidates a run.</summary>
    Degraded,
}
