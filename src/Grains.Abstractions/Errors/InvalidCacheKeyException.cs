namespace CacheCluster;

/// <summary>The key is empty, too long, or contains a control character.</summary>
[GenerateSerializer, Alias("cachecluster.invalid-key")]
public class InvalidCacheKeyException : InvalidCacheRequestException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidCacheKeyException"/> class.</summary>
    public InvalidCacheKeyException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidCacheKeyException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public InvalidCacheKeyException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidCacheKeyException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidCacheKeyException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
