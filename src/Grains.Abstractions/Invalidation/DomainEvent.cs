using System.Text;
using System.Text.Json;

namespace CacheCluster;

/// <summary>
/// A domain event such as <c>user.updated</c>: the invalidation stream maps it by the configured rules to keys, patterns
/// and tags. Publishing the same <see cref="Id"/> again within the duplicate window is harmless: it is applied once.
/// </summary>
/// <param name="Id">The event's unique id, 1 to <see cref="MaxIdLength"/> characters without control characters.</param>
/// <param name="Type">The event type the rules are keyed by, 1 to <see cref="MaxTypeLength"/> characters of letters, digits and <c>. _ - :</c>.</param>
/// <param name="OccurredAt">When the change happened.</param>
/// <param name="Data">The event's data: a JSON object, such as <c>{"user_id": 42}</c>.</param>
[GenerateSerializer, Immutable, Alias("cachecluster.domain-event")]
public sealed record DomainEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] string Data)
{
    /// <summary>The longest event id accepted.</summary>
    public const int MaxIdLength = 200;

    /// <summary>The longest event type accepted.</summary>
    public const int MaxTypeLength = 200;

    /// <summary>The deepest nesting of the data accepted.</summary>
    public const int MaxDepth = 32;

    /// <summary>The default limit on the size of <see cref="Data"/> in UTF-8 bytes (the silo's <c>CacheCluster:Invalidation:MaxEventBytes</c>).</summary>
    public const int DefaultMaxDataBytes = 64 * 1024;

    /// <summary>
    /// Gets the entity the event is about, such as <c>user:42</c>, or <see langword="null"/> to take it from the rule.
    /// Events about one entity are applied and announced in the order they were accepted.
    /// </summary>
    [Id(4)]
    public string? Subject { get; init; }

    /// <summary>Creates an event with a new id, occurring now, whose data is <paramref name="data"/> serialized as JSON.</summary>
    /// <typeparam name="T">The data's type; it must serialize to a JSON object.</typeparam>
    /// <param name="type">The event type.</param>
    /// <param name="data">The data, such as <c>new { user_id = 42 }</c>.</param>
    /// <param name="timeProvider">The clock for <see cref="OccurredAt"/>, or <see langword="null"/> for the system clock.</param>
    /// <returns>The event.</returns>
    public static DomainEvent Create<T>(string type, T data, TimeProvider? timeProvider = null) =>
        new(Guid.NewGuid().ToString("N"), type, (timeProvider ?? TimeProvider.System).GetUtcNow(), JsonSerializer.Serialize(data));

    /// <summary>Checks the event and parses its data.</summary>
    /// <param name="maxDataBytes">The limit on the data's size in UTF-8 bytes.</param>
    /// <returns>The parsed data, a JSON object; the caller disposes it.</returns>
    /// <exception cref="InvalidDomainEventException">A field is missing or malformed, the data is not a JSON object, too large or too deep.</exception>
    public JsonDocument ParseData(int maxDataBytes = DefaultMaxDataBytes)
    {
        CheckText(Id, "id", MaxIdLength);
        CheckText(Type, "type", MaxTypeLength);
        if (!Type.All(static c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or ':'))
        {
            throw new InvalidDomainEventException($"The event type '{Type}' may hold only letters, digits and . _ - :");
        }

        if (Subject is not null)
        {
            CheckText(Subject, "subject", CacheKey.DefaultMaxKeyBytes);
        }

        if (OccurredAt == default)
        {
            throw new InvalidDomainEventException($"The event '{Id}' has no occurred-at time.");
        }

        if (Data is null)
        {
            throw new InvalidDomainEventException($"The event '{Id}' has no data; send a JSON object such as {{}}.");
        }

        var size = Encoding.UTF8.GetByteCount(Data);
        if (size > maxDataBytes)
        {
            throw new InvalidDomainEventException($"The event '{Id}' has {size} bytes of data; the limit is {maxDataBytes}.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Data, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            throw new InvalidDomainEventException($"The event '{Id}' has data that is not valid JSON (or is nested deeper than {MaxDepth}): {ex.Message}");
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw new InvalidDomainEventException($"The event '{Id}' has data that is a JSON {kind.ToString().ToLowerInvariant()}, not an object.");
        }

        return document;
    }

    private static void CheckText(string? value, string name, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new InvalidDomainEventException($"An event must have a non-empty {name}.");
        }

        if (value.Length > maxLength)
        {
            throw new InvalidDomainEventException($"An event's {name} is at most {maxLength} characters (was {value.Length}).");
        }

        if (value.Any(char.IsControl) || !IsWellFormed(value))
        {
            throw new InvalidDomainEventException($"The event's {name} must not contain control characters or unpaired surrogates.");
        }
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
