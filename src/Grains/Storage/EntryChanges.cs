using CacheCluster.Entries;
using CacheCluster.Invalidation;

namespace CacheCluster.Storage;

/// <summary>What the store must do to go from one record of a key to the next: the record and its index registrations.</summary>
internal static class EntryChanges
{
    /// <summary>
    /// The change from <paramref name="stored"/> (what the store has, or <see langword="null"/>) to
    /// <paramref name="next"/> (<see langword="null"/>: a removal, which needs a stored record), fenced on the stored version.
    /// </summary>
    public static EntryChange Between(string key, EntryRecord? stored, EntryRecord? next, DateTimeOffset now)
    {
        if (next is null)
        {
            ArgumentNullException.ThrowIfNull(stored);
            return new EntryChange(key, null, stored.Version, null, stored.Tags, IKeyIndex.PartitionOf(key), [], now);
        }

        var tags = next.Tags.Length > 0 && NeedsRegistration(stored, next) ? next.Tags : [];
        var keyIndexPartition = stored is null || stored.ExpiresAt != next.ExpiresAt ? IKeyIndex.PartitionOf(key) : null;
        return new EntryChange(key, next, stored?.Version ?? 0, next.ExpiresAt - now, tags, keyIndexPartition, DroppedTags(stored, next), now);
    }

    /// <summary>Whether <paramref name="next"/> carries a tag <paramref name="stored"/> is not registered under.</summary>
    public static bool JoinsTag(EntryRecord? stored, EntryRecord? next) =>
        next is { Tags.Length: > 0 } && (stored is null || next.Tags.Any(tag => !stored.Tags.Contains(tag, StringComparer.Ordinal)));

    private static bool NeedsRegistration(EntryRecord? stored, EntryRecord next) =>
        stored is null || stored.ExpiresAt != next.ExpiresAt || next.Tags.Any(tag => !stored.Tags.Contains(tag, StringComparer.Ordinal));

    /// <summary>The tags <paramref name="stored"/> carries and <paramref name="next"/> does not.</summary>
    private static string[] DroppedTags(EntryRecord? stored, EntryRecord next) =>
        stored is null || stored.Tags.Length == 0 ? [] : [.. stored.Tags.Except(next.Tags, StringComparer.Ordinal)];
}
