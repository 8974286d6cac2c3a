namespace CacheCluster;

/// <summary>
/// The bytes stored under a key, with the content type the writer gave them.
/// </summary>
/// <remarks>
/// Values cross grain boundaries without being copied: once a <see cref="CacheValue"/> is handed to the
/// cluster, neither side may change <see cref="Data"/>.
/// </remarks>
[GenerateSerializer, Immutable, Alias("cachecluster.value")]
public sealed record CacheValue
{
    /// <summary>
    /// The content type of a cached absence: what <c>GetOrSetAsync</c> stores when the source has no value and
    /// negative caching is on. Readers treat it as "known to be missing".
    /// </summary>
    public const string AbsentContentType = "application/vnd.cachecluster.absent";

    /// <summary>Initializes a new instance of the <see cref="CacheValue"/> class.</summary>
    /// <param name="data">The serialized value.</param>
    /// <param name="contentType">The media type of <paramref name="data"/>, or <see langword="null"/>.</param>
    public CacheValue(byte[] data, string? contentType = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        Data = data;
        ContentType = contentType;
    }

    /// <summary>Gets the serialized value.</summary>
    [Id(0)]
    public byte[] Data { get; init; }

    /// <summary>Gets the media type of <see cref="Data"/>, such as <c>application/json</c>, or <see langword="null"/>.</summary>
    [Id(1)]
    public string? ContentType { get; init; }

    /// <summary>Gets a value indicating whether this is a cached absence (<see cref="AbsentContentType"/>).</summary>
    public bool IsAbsent => string.Equals(ContentType, AbsentContentType, StringComparison.Ordinal);
}
