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
}
