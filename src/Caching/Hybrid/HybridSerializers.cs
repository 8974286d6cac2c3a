using System.Collections.Concurrent;
using CacheCluster.Serialization;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Caching.Hybrid;

/// <summary>
/// Finds each type's serializer as Microsoft's HybridCache does, once per type: an <see cref="IHybridCacheSerializer{T}"/>
/// registration (the last one), else the <see cref="IHybridCacheSerializerFactory"/> registrations last-registered-first,
/// else System.Text.Json. Strings and byte arrays have raw serializers registered, so they stay raw unless replaced.
/// </summary>
internal sealed class HybridSerializers(IServiceProvider services, long maximumPayloadBytes)
{
    private readonly ConcurrentDictionary<Type, ICacheSerializer> _serializers = new();
    private IHybridCacheSerializerFactory[]? _factories;

    public ICacheSerializer For<T>() => _serializers.GetOrAdd(typeof(T), static (_, self) => self.Create<T>(), this);

    private HybridValueSerializer<T> Create<T>()
    {
        var serializer = services.GetService<IHybridCacheSerializer<T>>() ?? FromFactories<T>() ?? new JsonHybridSerializer<T>();
        var contentType = serializer switch
        {
            Utf8StringHybridSerializer => CacheSerializer.TextContentType,
            JsonHybridSerializer<T> => CacheSerializer.JsonContentType,
            _ => CacheSerializer.BinaryContentType,
        };
        return new HybridValueSerializer<T>(serializer, contentType, maximumPayloadBytes);
    }

    private IHybridCacheSerializer<T>? FromFactories<T>()
    {
        _factories ??= [.. services.GetServices<IHybridCacheSerializerFactory>().Reverse()];
        foreach (var factory in _factories)
        {
            if (factory.TryCreateSerializer<T>(out var serializer))
            {
                return serializer;
            }
        }

        return null;
    }
}
