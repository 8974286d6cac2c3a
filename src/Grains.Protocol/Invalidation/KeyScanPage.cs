using System.ComponentModel;

namespace CacheCluster;

/// <summary>One page of a key index partition.</summary>
/// <param name="Keys">The live keys of the page that match the pattern, in ordinal order.</param>
/// <param name="Next">The last key examined, where the next page starts; <see langword="null"/> when the partition is done.</param>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[GenerateSerializer, Immutable, Alias("cachecluster.key-scan-page")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record KeyScanPage(
    [property: Id(0)] IReadOnlyList<string> Keys,
    [property: Id(1)] string? Next);
