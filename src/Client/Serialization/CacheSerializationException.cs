namespace CacheCluster.Serialization;

/// <summary>A stored value could not be turned into the type asked for, or a value could not be serialized.</summary>
public sealed class CacheSerializationException : CacheClusterException
{
    /// <summary>Initializes a new instance of the <see cref="CacheSerializationException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The serializer's error.</param>
    public CacheSerializationException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
