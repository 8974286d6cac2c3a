namespace CacheCluster.Operations;

/// <summary>A hot key: its estimated access count (halved every <c>CacheCluster:HotKeys:HalfLife</c>), summed over silos.</summary>
/// <param name="Key">The key.</param>
/// <param name="Hash">The key's hash, as the logs and the slow log show it.</param>
/// <param name="Count">The estimated recent accesses.</param>
[GenerateSerializer, Immutable, Alias("cachecluster.hot-key")]
public sealed record HotKey([property: Id(0)] string Key, [property: Id(1)] string Hash, [property: Id(2)] long Count);
