namespace CacheCluster;

/// <summary>The value is larger than the cluster's configured limit; nothing was stored.</summary>
[GenerateSerializer, Alias("cachecluster.too-large")]
public class CacheValueTooLargeException : InvalidCacheRequestException
{
    /// <summary>Initializes a new instance of the <see cref="CacheValueTooLargeException"/> class.</summary>
    /// <param name="size">The size of the rejected value, in bytes.</param>
    /// <param name="limit">The limit, in bytes.</param>
    public CacheValueTooLargeException(long size, long limit)
        : base($"The value is {size} bytes; the limit is {limit} bytes.")
    {
        Size = size;
        Limit = limit;
    }

    /// <summary>Gets the size of the rejected value, in bytes.</summary>
    [Id(0)]
    public long Size { get; init; }

    /// <summary>Gets the limit, in bytes.</summary>
    [Id(1)]
    public long Limit { get; init; }
}
