namespace CacheCluster;

/// <summary>Increment found a value that is not a 64-bit decimal integer.</summary>
[GenerateSerializer, Alias("cachecluster.not-integer")]
public class CacheValueNotIntegerException : InvalidCacheRequestException
{
    /// <summary>Initializes a new instance of the <see cref="CacheValueNotIntegerException"/> class.</summary>
    public CacheValueNotIntegerException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheValueNotIntegerException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public CacheValueNotIntegerException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheValueNotIntegerException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CacheValueNotIntegerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
