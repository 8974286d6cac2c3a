using System.ComponentModel;

namespace CacheCluster;

/// <summary>A silo's answer to a batch of reads (<see cref="ISiloReadGrain.GetManyAsync"/>).</summary>
/// <param name="Answers">Each key's read or error, in the order asked.</param>
/// <param name="Here">For each key, whether its entry is active on the silo that answered (send it there again).</param>
[GenerateSerializer, Immutable, Alias("cachecluster.silo-reads")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record SiloReads(
    [property: Id(0)] CacheBatchAnswer<CacheTrackedRead>[] Answers,
    [property: Id(1)] bool[] Here);
