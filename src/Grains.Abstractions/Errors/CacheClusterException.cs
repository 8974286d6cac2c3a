namespace CacheCluster;

/// <summary>The base of every error CacheCluster reports. It never carries a cached value.</summary>
[GenerateSerializer, Alias("cachecluster.error")]
public class CacheClusterException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="CacheClusterException"/> class.</summary>
    public CacheClusterException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheClusterException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public CacheClusterException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheClusterException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CacheClusterException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the key concerned, rendered log-safe (see <see cref="CacheKey.Describe"/>), or <see langword="null"/>.</summary>
    [Id(0)]
    public string? Key { get; init; }

    /// <summary>Gets the operation that failed, such as <c>Set</c>, or <see langword="null"/>.</summary>
    [Id(1)]
    public string? Operation { get; init; }
}
