namespace CacheCluster;

/// <summary>The stream's acknowledgement of a published event: it is durable and has its place in the sequence.</summary>
/// <param name="Partition">The stream partition the event's entity maps to.</param>
/// <param name="Sequence">The event's sequence number within its partition, from 1.</param>
/// <param name="Duplicate"><see langword="true"/> when an event with the same id was accepted before; this is its receipt, and nothing new was done.</param>
/// <param name="Matched"><see langword="false"/> when no rule names the event's type: it is sequenced and announced, but invalidates nothing.</param>
[GenerateSerializer, Immutable, Alias("cachecluster.event-receipt")]
public sealed record DomainEventReceipt(
    [property: Id(0)] int Partition,
    [property: Id(1)] long Sequence,
    [property: Id(2)] bool Duplicate,
    [property: Id(3)] bool Matched);
