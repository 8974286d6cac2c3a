namespace CacheCluster.Operations;

/// <summary>One entry of a silo's slow log.</summary>
/// <param name="Operation">The operation: the entry grain's method (<c>GetAsync</c>), the store write (<c>store.Set</c>), or the event type of a fan-out.</param>
/// <param name="Key">The key (a fan-out's event id) when <c>CacheCluster:SlowLog:IncludeKeys</c> is set, else its hash (16 hex digits, as the logs show it).</param>
/// <param name="DurationMs">How long it took, in milliseconds.</param>
/// <param name="Phase">Where the time went: <c>grain</c> (the whole entry call), <c>storage</c> or <c>fanout</c>.</param>
/// <param name="At">When it ended.</param>
/// <param name="Silo">The silo that logged it, as IP:port@generation (set when logs are merged across silos).</param>
[GenerateSerializer, Immutable, Alias("cachecluster.slow-operation")]
public sealed record SlowOperation(
    [property: Id(0)] string Operation,
    [property: Id(1)] string Key,
    [property: Id(2)] double DurationMs,
    [property: Id(3)] string Phase,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? Silo = null);
