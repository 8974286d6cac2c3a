namespace CacheCluster.Operations;

/// <summary>An invalidation stream partition's backlog.</summary>
/// <param name="Partition">The partition.</param>
/// <param name="Pending">Events accepted and not yet applied.</param>
/// <param name="LagSeconds">How long the oldest of them has waited, in seconds (0 when none).</param>
[GenerateSerializer, Immutable, Alias("cachecluster.partition-lag")]
public sealed record PartitionLag([property: Id(0)] int Partition, [property: Id(1)] long Pending, [property: Id(2)] double LagSeconds);
