using CacheCluster.Entries;

namespace CacheCluster.Storage;

/// <summary>
/// One fenced change for <see cref="IEntryStore.CommitMany"/>: a write of <see cref="Record"/> (joining
/// <see cref="Tags"/> and, when given, key index <see cref="KeyIndexPartition"/>, leaving <see cref="DroppedTags"/>), or,
/// when <see cref="Record"/> is <see langword="null"/>, a removal that leaves <see cref="Tags"/> and the key index
/// partition. Either applies only if the stored version is <see cref="ExpectedVersion"/> (0: absent).
/// </summary>
internal sealed record EntryChange(
    string Key,
    EntryRecord? Record,
    long ExpectedVersion,
    TimeSpan? TimeToLive,
    IReadOnlyCollection<string> Tags,
    string? KeyIndexPartition,
    IReadOnlyCollection<string> DroppedTags,
    DateTimeOffset Now);
