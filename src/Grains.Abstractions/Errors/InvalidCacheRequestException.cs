namespace CacheCluster;

/// <summary>The request is invalid; nothing was changed. The base of all input errors.</summary>
[GenerateSerializer, Alias("cachecluster.invalid-request")]
public class InvalidCacheRequestException : CacheClusterException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidCacheRequestException"/> class.</summary>
    public InvalidCacheRequestException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidCacheRequestException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public InvalidCacheRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidCacheRequestException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidCacheRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
