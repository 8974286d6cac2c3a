using System.ComponentModel;

namespace CacheCluster;

/// <summary>The answer to a tracked read: the read, and whether the grain will report the next change to the reader.</summary>
/// <param name="Result">The read.</param>
/// <param name="Tracked"><see langword="true"/> when the reader is registered and may keep a near copy until told otherwise.</param>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[GenerateSerializer, Immutable, Alias("cachecluster.tracked-read")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record CacheTrackedRead(
    [property: Id(0)] CacheReadResult Result,
    [property: Id(1)] bool Tracked);
