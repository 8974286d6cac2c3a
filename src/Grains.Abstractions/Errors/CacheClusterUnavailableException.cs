namespace CacheCluster;

/// <summary>The cluster could not be reached or did not answer; the operation's outcome is unknown.</summary>
[GenerateSerializer, Alias("cachecluster.unavailable")]
public class CacheClusterUnavailableException : CacheClusterException
{
    /// <summary>Initializes a new instance of the <see cref="CacheClusterUnavailableException"/> class.</summary>
    public CacheClusterUnavailableException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheClusterUnavailableException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public CacheClusterUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CacheClusterUnavailableException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public CacheClusterUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
