using System.Text.Json;
using System.Text.Json.Serialization;

namespace CacheCluster.Invalidation.Stream;

/// <summary>An accepted event as the stream keeps it until it is applied: its id, type and resolved targets.</summary>
internal sealed record LoggedEvent(
    string EventId,
    string EventType,
    DateTimeOffset OccurredAt,
    DateTimeOffset AcceptedAt,
    IReadOnlyList<string> Keys,
    IReadOnlyList<string> Patterns,
    IReadOnlyList<string> Tags)
{
    /// <summary>Gets a value indicating whether the targets were already invalidated: the event only announces them.</summary>
    public bool Announcement { get; init; }

    /// <summary>Gets the sequence number the log gave the event (0 before it is appended).</summary>
    [JsonIgnore]
    public long Sequence { get; init; }

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, LoggedEventJson.Default.LoggedEvent);

    public static LoggedEvent FromBytes(ReadOnlySpan<byte> bytes, long sequence) =>
        (JsonSerializer.Deserialize(bytes, LoggedEventJson.Default.LoggedEvent) ?? throw new JsonException("A logged event is null."))
            with { Sequence = sequence };
}

/// <summary>The result of appending to the log.</summary>
/// <param name="Partition">The partition holding the event (the original's, for a duplicate).</param>
/// <param name="Sequence">The event's sequence number (the original's, for a duplicate).</param>
/// <param name="Duplicate">Whether the id had been accepted before.</param>
internal readonly record struct LogAppend(int Partition, long Sequence, bool Duplicate);

[JsonSerializable(typeof(LoggedEvent))]
internal sealed partial class LoggedEventJson : JsonSerializerContext;
