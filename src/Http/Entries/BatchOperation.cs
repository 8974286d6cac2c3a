using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CacheCluster.Http.Entries;

/// <summary>
/// One item of a <c>POST /v1/cache/_batch</c> body: <c>{"op": "get"|"set"|"del", "key": K, "value": text,
/// "valueBase64": bytes, "ttl": seconds, "fresh": seconds, "tags": [..]}</c>. An item that does not parse carries its
/// error instead, and fails alone.
/// </summary>
internal sealed class BatchOperation
{
    /// <summary>The content type of a value given as text.</summary>
    public const string TextContentType = "text/plain; charset=utf-8";

    /// <summary>The content type of a value given as base64.</summary>
    public const string BinaryContentType = "application/octet-stream";

    private static readonly string[] Known = ["op", "key", "value", "valueBase64", "ttl", "fresh", "tags"];

    public string Op { get; private init; } = string.Empty;

    public string Key { get; private init; } = string.Empty;

    public CacheValue? Value { get; private init; }

    public CacheEntryOptions? Options { get; private init; }

    /// <summary>Gets what is wrong with the item, or <see langword="null"/>.</summary>
    public Exception? Error { get; private init; }

    /// <summary>Returns this operation failed with <paramref name="error"/>.</summary>
    public BatchOperation WithError(Exception error) => new() { Op = Op, Key = Key, Error = error };

    /// <summary>Reads one item; never throws for a malformed item, which carries its error.</summary>
    public static BatchOperation Parse(JsonElement item, int maxKeyBytes)
    {
        try
        {
            return ParseOrThrow(item, maxKeyBytes);
        }
        catch (CacheClusterException ex)
        {
            return new BatchOperation { Error = ex };
        }
    }

    private static BatchOperation ParseOrThrow(JsonElement item, int maxKeyBytes)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidCacheRequestException("Each batch item is an object such as {\"op\": \"get\", \"key\": \"k\"}.");
        }

        foreach (var property in item.EnumerateObject())
        {
            if (Array.IndexOf(Known, property.Name) < 0)
            {
                throw new InvalidCacheRequestException($"Unknown batch item property '{property.Name}'; an item takes {string.Join(", ", Known)}.");
            }
        }

        var op = Text(item, "op") ?? throw new InvalidCacheRequestException("A batch item needs \"op\": \"get\", \"set\" or \"del\".");
        if (op is not ("get" or "set" or "del"))
        {
            throw new InvalidCacheRequestException($"A batch item's op is \"get\", \"set\" or \"del\" (was '{op}').");
        }

        var key = Text(item, "key") ?? throw new InvalidCacheKeyException("A batch item needs \"key\".");
        CacheKey.Validate(key, maxKeyBytes);
        var text = Text(item, "value");
        var base64 = Text(item, "valueBase64");
        var hasOptions = item.TryGetProperty("ttl", out _) || item.TryGetProperty("fresh", out _) || item.TryGetProperty("tags", out _);
        if (op != "set")
        {
            return text is not null || base64 is not null || hasOptions
                ? throw new InvalidCacheRequestException($"A \"{op}\" item takes only \"op\" and \"key\".") { Key = CacheKey.Describe(key) }
                : new BatchOperation { Op = op, Key = key };
        }

        if ((text is null) == (base64 is null))
        {
            throw new InvalidCacheRequestException("A \"set\" item needs exactly one of \"value\" (text) and \"valueBase64\".") { Key = CacheKey.Describe(key) };
        }

        CacheValue value;
        if (text is not null)
        {
            value = new CacheValue(Encoding.UTF8.GetBytes(text), TextContentType);
        }
        else
        {
            try
            {
                value = new CacheValue(Convert.FromBase64String(base64!), BinaryContentType);
            }
            catch (FormatException)
            {
                throw new InvalidCacheRequestException("\"valueBase64\" is not valid base64.") { Key = CacheKey.Describe(key) };
            }
        }

        var options = new CacheEntryOptions
        {
            TimeToLive = Seconds(item, "ttl"),
            FreshFor = Seconds(item, "fresh"),
            Tags = Tags(item),
        };
        options.Validate();
        return new BatchOperation { Op = op, Key = key, Value = value, Options = options };
    }

    private static string? Text(JsonElement item, string name) =>
        !item.TryGetProperty(name, out var property) ? null
        : property.ValueKind == JsonValueKind.String ? property.GetString()
        : throw new InvalidCacheRequestException($"A batch item's \"{name}\" must be a string.");

    private static TimeSpan? Seconds(JsonElement item, string name)
    {
        if (!item.TryGetProperty(name, out var property))
        {
            return null;
        }

        if (property.ValueKind != JsonValueKind.Number || !property.TryGetDouble(out var seconds) || seconds < 0 || !double.IsFinite(seconds))
        {
            throw new InvalidCacheOptionsException($"\"{name}\" must be a non-negative number of seconds, such as 30 or 1.5 (was {property.GetRawText()}).");
        }

        if (seconds > CacheEntryOptions.MaxTimeToLive.TotalSeconds)
        {
            throw new InvalidCacheOptionsException($"\"{name}\" must be at most {CacheEntryOptions.MaxTimeToLive.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} seconds.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static string[]? Tags(JsonElement item)
    {
        if (!item.TryGetProperty("tags", out var property))
        {
            return null;
        }

        if (property.ValueKind != JsonValueKind.Array || property.EnumerateArray().Any(tag => tag.ValueKind != JsonValueKind.String))
        {
            throw new InvalidCacheOptionsException("\"tags\" must be an array of strings.");
        }

        var tags = property.EnumerateArray().Select(tag => tag.GetString()!).ToArray();
        return tags.Length == 0 ? null : tags;
    }
}
