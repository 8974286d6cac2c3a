namespace CacheCluster.Hosting;

/// <summary>
/// A named cache's settings (<c>AddCacheClusterNamedCache</c>): a view of the cluster, over the application's one
/// connection, whose keys carry their own prefix and whose writes their own default entry options.
/// </summary>
public sealed class NamedClusterCacheOptions
{
    /// <summary>Gets the cache's name: its service key (<c>[FromKeyedServices("products")]</c>).</summary>
    public string Name { get; internal set; } = string.Empty;

    /// <summary>
    /// Gets or sets the text put before every key the named cache is given (and before every pattern). Empty shares
    /// the keys of the unnamed <see cref="IClusterCache"/>. Must not hold control characters; the prefixed key must fit
    /// <see cref="CacheClusterClientOptions.MaxKeyBytes"/>.
    /// </summary>
    /// <value>Default: the name followed by a colon, such as <c>products:</c>.</value>
    public string KeyPrefix { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the options used when a write (Set, Increment, ListPush) or a GetOrSet (its
    /// <see cref="GetOrSetOptions.Entry"/>) passes none.
    /// </summary>
    /// <value>Default: <see langword="null"/> (the client's <see cref="CacheClusterClientOptions.DefaultEntryOptions"/> apply).</value>
    public CacheEntryOptions? DefaultEntryOptions { get; set; }
}
