using System.ComponentModel;

namespace CacheCluster;

/// <summary>One key's answer inside a batch: the result of its entry's call, or the error that call ended with.</summary>
/// <typeparam name="T">The entry call's result type.</typeparam>
/// <param name="Result">The result; <see langword="default"/> when <paramref name="Error"/> is set.</param>
/// <param name="Error">The key's own error (an invalid key, a list read as a value, a storage failure), or <see langword="null"/>.</param>
[GenerateSerializer, Immutable, Alias("cachecluster.batch-answer`1")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CacheBatchAnswer<T>(
    [property: Id(0)] T? Result,
    [property: Id(1)] Exception? Error);
