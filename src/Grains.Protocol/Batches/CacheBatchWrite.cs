using System.ComponentModel;

namespace CacheCluster;

/// <summary>One key's write inside a batch: an unconditional set, or a fill under the key's lease.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
/// <param name="Options">Expiry and tags; <see langword="null"/> for none.</param>
/// <param name="LeaseToken">The lease a fill writes under; 0 for a plain set.</param>
[GenerateSerializer, Immutable, Alias("cachecluster.batch-write")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CacheBatchWrite(
    [property: Id(0)] string Key,
    [property: Id(1)] CacheValue Value,
    [property: Id(2)] CacheEntryOptions? Options,
    [property: Id(3)] long LeaseToken = 0);
