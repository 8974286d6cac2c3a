namespace CacheCluster;

/// <summary>Increment would overflow a 64-bit integer.</summary>
[GenerateSerializer, Alias("cachecluster.overflow")]
public class CacheIntegerOverflowException : InvalidCacheRequestException
{
    /// <summary>Initializes a new instance of the <see cref="CacheIntegerOverflowException"/> class.</summary>
    public CacheIntegerOverflowException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheIntegerOverflowException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public CacheIntegerOverflowException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheIntegerOverflowException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CacheIntegerOverflowException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
