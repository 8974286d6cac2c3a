using System.ComponentModel;

namespace CacheCluster;

/// <summary>The answer to a subscription or its renewal.</summary>
/// <param name="Partition">The stream partition.</param>
/// <param name="Sequence">The sequence number of the partition's last announced event (0 for none).</param>
/// <param name="Lifetime">How long the subscription lasts unless renewed.</param>
/// <param name="Renewed">
/// <see langword="true"/> when the partition already held this subscription and has lost none of its notices; when
/// <see langword="false"/>, a subscriber that had seen an earlier sequence than <paramref name="Sequence"/> may have
/// missed notices and must flush.
/// </param>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[GenerateSerializer, Immutable, Alias("cachecluster.invalidation-subscription")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record InvalidationSubscriptionState(
    [property: Id(0)] int Partition,
    [property: Id(1)] long Sequence,
    [property: Id(2)] TimeSpan Lifetime,
    [property: Id(3)] bool Renewed);
