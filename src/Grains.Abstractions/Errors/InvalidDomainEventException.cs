namespace CacheCluster;

/// <summary>A domain event is malformed or lacks a field its rule needs; nothing was applied.</summary>
[GenerateSerializer, Alias("cachecluster.invalid-event")]
public sealed class InvalidDomainEventException : InvalidCacheRequestException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidDomainEventException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public InvalidDomainEventException(string message)
        : base(message)
    {
    }
}
