namespace CacheCluster;

/// <summary>The value source (the factory) failed, here or at the caller holding the key's lease.</summary>
public class CacheFactoryException : CacheClusterException
{
    /// <summary>Initializes a new instance of the <see cref="CacheFactoryException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The factory's own exception, when it ran in this process.</param>
    public CacheFactoryException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>The factory ran longer than <see cref="GetOrSetOptions.FactoryHardTimeout"/> and no stale value could stand in.</summary>
public sealed class CacheFactoryTimeoutException : CacheFactoryException
{
    /// <summary>Initializes a new instance of the <see cref="CacheFactoryTimeoutException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public CacheFactoryTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>Another caller held the key's lease for longer than <see cref="GetOrSetOptions.WaitTimeout"/>.</summary>
public sealed class CacheLeaseWaitTimeoutException : CacheClusterException
{
    /// <summary>Initializes a new instance of the <see cref="CacheLeaseWaitTimeoutException"/> class.</summary>
    /// <param name="message">What went wrong.</param>
    public CacheLeaseWaitTimeoutException(string message)
        : base(message)
    {
    }
}
