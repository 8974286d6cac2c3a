using System.ComponentModel;

namespace CacheCluster;

/// <summary>The answer to a read-for-fill.</summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[GenerateSerializer, Immutable, Alias("cachecluster.lookup")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CacheLookup
{
    /// <summary>Gets how the read ended.</summary>
    [Id(0)]
    public CacheLookupOutcome Outcome { get; init; }

    /// <summary>Gets the value and its metadata when <see cref="Outcome"/> is <see cref="CacheLookupOutcome.Hit"/>.</summary>
    [Id(1)]
    public CacheReadResult? Entry { get; init; }

    /// <summary>Gets the lease granted to this caller, if any: a fill lease, or a refresh lease alongside a hit.</summary>
    [Id(2)]
    public CacheLease? Lease { get; init; }

    /// <summary>Gets the holder's error message when <see cref="Outcome"/> is <see cref="CacheLookupOutcome.FillFailed"/>.</summary>
    [Id(3)]
    public string? Error { get; init; }

    /// <summary>
    /// Gets a value indicating whether <see cref="Entry"/> is a value handed over, not stored: the fill this caller waited
    /// on computed it, but the store refused it (Redis down). Its <see cref="CacheReadResult.Version"/> is 0; it is not
    /// in the cache, so a near cache must not keep it.
    /// </summary>
    [Id(4)]
    public bool HandedOff { get; init; }

    /// <summary>
    /// Gets a value indicating whether this call waited in the grain for another caller's fill before its answer (for
    /// tracing: the caller's GetOrSet span says "wait").
    /// </summary>
    [Id(5)]
    public bool Waited { get; init; }

    /// <summary>
    /// Gets a value indicating whether the request's <see cref="CacheLeaseRequest.Tracker"/> is registered with the
    /// entry for this hit: it will be told of the entry's next change, so the hit may be kept near.
    /// </summary>
    [Id(6)]
    public bool Tracked { get; init; }
}
