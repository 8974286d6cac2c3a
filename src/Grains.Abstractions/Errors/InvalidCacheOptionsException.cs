namespace CacheCluster;

/// <summary>Expiry, tags or another argument are out of range or contradictory.</summary>
[GenerateSerializer, Alias("cachecluster.invalid-options")]
public class InvalidCacheOptionsException : InvalidCacheRequestException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidCacheOptionsException"/> class.</summary>
    public InvalidCacheOptionsException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidCacheOptionsException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public InvalidCacheOptionsException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidCacheOptionsException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidCacheOptionsException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
