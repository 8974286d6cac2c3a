using System.ComponentModel;

namespace CacheCluster;

/// <summary>A silo's answer to a batch of reads (<see cref="ISiloReadGrain.GetManyAsync"/>).</summary>
/// <param name="Answers">Each key's read or error, in the order asked.</param>
/// <param name="Here">For each key, whether its entry is active on the silo that answered (send it there again).</param>
/// <param name="Elsewhere">
/// For each key not active on the silo that answered, the silo its entry is active on as far as the answering silo
/// knows (its grain-address cache after the entry-grain call), or <see langword="null"/> when unknown; the array is
/// <see langword="null"/> when no key is known elsewhere (every key here, or an older silo that does not say).
/// </param>
/// <param name="Silo">
/// The silo that answered (where the client's call arrived), or <see langword="null"/> from an older silo that does not say.
/// </param>
[GenerateSerializer, Immutable, Alias("cachecluster.silo-reads")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record SiloReads(
    [property: Id(0)] CacheBatchAnswer<CacheTrackedRead>[] Answers,
    [property: Id(1)] bool[] Here,
    [property: Id(2)] SiloAddress?[]? Elsewhere = null,
    [property: Id(3)] SiloAddress? Silo = null);
