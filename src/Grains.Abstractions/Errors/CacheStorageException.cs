namespace CacheCluster;

/// <summary>The entry store (Redis) failed; a write that reports this was not acknowledged.</summary>
[GenerateSerializer, Alias("cachecluster.storage")]
public class CacheStorageException : CacheClusterException
{
    /// <summary>Initializes a new instance of the <see cref="CacheStorageException"/> class.</summary>
    public CacheStorageException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheStorageException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public CacheStorageException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheStorageException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CacheStorageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
