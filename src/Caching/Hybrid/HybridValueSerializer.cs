using System.Buffers;
using CacheCluster.Serialization;
using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Caching.Hybrid;

/// <summary>
/// One HybridCache serializer seen as the cluster client's <see cref="ICacheSerializer"/>, for values of
/// <typeparamref name="TValue"/> only, with HybridCache's payload limit.
/// </summary>
/// <typeparam name="TValue">The value's type.</typeparam>
internal sealed class HybridValueSerializer<TValue>(IHybridCacheSerializer<TValue> inner, string contentType, long maximumPayloadBytes) : ICacheSerializer
{
    public IHybridCacheSerializer<TValue> Inner => inner;

    public CacheValue Serialize<T>(T value)
    {
        var writer = new ArrayBufferWriter<byte>();
        try
        {
            inner.Serialize((TValue)(object)value!, writer);
        }
        catch (Exception ex) when (ex is not CacheClusterException and not OutOfMemoryException)
        {
            throw new CacheSerializationException($"A {typeof(TValue).Name} could not be serialized by {inner.GetType().Name}: {ex.Message}", ex);
        }

        if (writer.WrittenCount > maximumPayloadBytes)
        {
            throw new CacheValueTooLargeException(writer.WrittenCount, maximumPayloadBytes) { Operation = "HybridCache" };
        }

        return new CacheValue(writer.WrittenSpan.ToArray(), contentType);
    }

    public T Deserialize<T>(CacheValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        try
        {
            return (T)(object)inner.Deserialize(new ReadOnlySequence<byte>(value.Data))!;
        }
        catch (Exception ex) when (ex is not CacheClusterException and not OutOfMemoryException and not InvalidCastException)
        {
            throw new CacheSerializationException(
                $"The stored value ({value.ContentType ?? "no content type"}, {value.Data.Length} bytes) could not be read as a {typeof(TValue).Name} by {inner.GetType().Name}: {ex.Message}", ex);
        }
    }
}
