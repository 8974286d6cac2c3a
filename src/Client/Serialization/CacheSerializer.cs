using System.Text;
using System.Text.Json;

namespace CacheCluster.Serialization;

/// <summary>
/// The default serializer: System.Text.Json, except that <see cref="string"/> is stored as raw UTF-8 text and
/// <see cref="byte"/> arrays as raw bytes, so values written over HTTP or the CLI read back naturally and vice versa.
/// </summary>
public sealed class CacheSerializer : ICacheSerializer
{
    /// <summary>The content type of JSON values.</summary>
    public const string JsonContentType = "application/json";

    /// <summary>The content type of string values.</summary>
    public const string TextContentType = "text/plain; charset=utf-8";

    /// <summary>The content type of byte-array values.</summary>
    public const string BinaryContentType = "application/octet-stream";

    private readonly JsonSerializerOptions _options;

    /// <summary>Initializes a new instance of the <see cref="CacheSerializer"/> class.</summary>
    /// <param name="options">The JSON options, or <see langword="null"/> for <see cref="JsonSerializerOptions.Web"/>.</param>
    public CacheSerializer(JsonSerializerOptions? options = null) => _options = options ?? JsonSerializerOptions.Web;

    /// <summary>Gets the shared default instance.</summary>
    public static CacheSerializer Default { get; } = new();

    /// <inheritdoc />
    public CacheValue Serialize<T>(T value)
    {
        switch (value)
        {
            case byte[] bytes:
                return new CacheValue(bytes, BinaryContentType);
            case string text:
                return new CacheValue(Encoding.UTF8.GetBytes(text), TextContentType);
        }

        try
        {
            return new CacheValue(JsonSerializer.SerializeToUtf8Bytes(value, _options), JsonContentType);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            throw new CacheSerializationException($"A {typeof(T).Name} could not be serialized to JSON: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public T Deserialize<T>(CacheValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (typeof(T) == typeof(byte[]))
        {
            return (T)(object)value.Data;
        }

        if (typeof(T) == typeof(string) && !IsJson(value.ContentType))
        {
            return (T)(object)Encoding.UTF8.GetString(value.Data);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(value.Data, _options)!;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            throw new CacheSerializationException(
                $"The stored value ({value.ContentType ?? "no content type"}, {value.Data.Length} bytes) is not a JSON {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.StartsWith(JsonContentType, StringComparison.OrdinalIgnoreCase);
}
