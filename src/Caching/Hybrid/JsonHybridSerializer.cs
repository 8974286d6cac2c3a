using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Caching.Hybrid;

/// <summary>The fallback for a type no registration serializes: System.Text.Json with the web defaults.</summary>
/// <typeparam name="T">The value's type.</typeparam>
internal sealed class JsonHybridSerializer<T> : IHybridCacheSerializer<T>
{
    public T Deserialize(ReadOnlySequence<byte> source)
    {
        var reader = new Utf8JsonReader(source);
        return JsonSerializer.Deserialize<T>(ref reader, JsonSerializerOptions.Web)!;
    }

    public void Serialize(T value, IBufferWriter<byte> target)
    {
        using var writer = new Utf8JsonWriter(target);
        JsonSerializer.Serialize(writer, value, JsonSerializerOptions.Web);
    }
}
