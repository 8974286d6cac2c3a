namespace CacheCluster;

/// <summary>
/// Tells a subscriber that an event has been applied: what it invalidated, and where it stands in its partition's
/// sequence. Sequence numbers of one partition are consecutive; a subscriber that sees one skipped has missed a notice.
/// </summary>
/// <param name="Partition">The stream partition.</param>
/// <param name="Sequence">The event's sequence number within the partition.</param>
/// <param name="EventId">The event's id.</param>
/// <param name="EventType">The event's type.</param>
/// <param name="Keys">The keys invalidated.</param>
/// <param name="Patterns">The glob patterns invalidated.</param>
/// <param name="Tags">The tags invalidated.</param>
/// <param name="Invalidated">How many entries the event removed.</param>
[GenerateSerializer, Immutable, Alias("cachecluster.invalidation-notice")]
public sealed record InvalidationNotice(
    [property: Id(0)] int Partition,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string EventId,
    [property: Id(3)] string EventType,
    [property: Id(4)] IReadOnlyList<string> Keys,
    [property: Id(5)] IReadOnlyList<string> Patterns,
    [property: Id(6)] IReadOnlyList<string> Tags,
    [property: Id(7)] long Invalidated);
