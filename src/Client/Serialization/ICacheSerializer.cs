namespace CacheCluster.Serialization;

/// <summary>Turns typed values into the bytes the cluster stores, and back.</summary>
public interface ICacheSerializer
{
    /// <summary>Serializes <paramref name="value"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The bytes and their content type.</returns>
    CacheValue Serialize<T>(T value);

    /// <summary>Deserializes a stored value.</summary>
    /// <typeparam name="T">The type wanted.</typeparam>
    /// <param name="value">The stored bytes and content type.</param>
    /// <returns>The value.</returns>
    /// <exception cref="CacheSerializationException">The bytes are not a <typeparamref name="T"/>.</exception>
    T Deserialize<T>(CacheValue value);
}
