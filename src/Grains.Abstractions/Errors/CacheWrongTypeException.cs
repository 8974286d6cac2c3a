namespace CacheCluster;

/// <summary>The operation does not apply to what the key holds, such as a list operation on a value.</summary>
[GenerateSerializer, Alias("cachecluster.wrong-type")]
public class CacheWrongTypeException : InvalidCacheRequestException
{
    /// <summary>Initializes a new instance of the <see cref="CacheWrongTypeException"/> class.</summary>
    public CacheWrongTypeException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheWrongTypeException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public CacheWrongTypeException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheWrongTypeException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CacheWrongTypeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
