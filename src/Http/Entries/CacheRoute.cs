namespace CacheCluster.Http.Entries;

/// <summary>Where the HTTP API serves an entry: the one spelling of the route, for the endpoints and for CDN purges.</summary>
internal static class CacheRoute
{
    /// <summary>The path every entry's URL starts with.</summary>
    public const string Prefix = "/v1/cache/";

    /// <summary>The route template of an entry.</summary>
    public const string Template = Prefix + "{key}";

    /// <summary>The route template of an entry's increment.</summary>
    public const string IncrementTemplate = Template + "/increment";

    /// <summary>The route template of an entry's new expiry (<c>?ttl=SECONDS</c>).</summary>
    public const string ExpireTemplate = Template + "/expire";

    /// <summary>The route template of removing an entry's expiry.</summary>
    public const string PersistTemplate = Template + "/persist";

    /// <summary>The route template of sliding an entry's expiry by its window.</summary>
    public const string TouchTemplate = Template + "/touch";

    /// <summary>Gets the path of a key's entry, the key URL-encoded as one segment.</summary>
    public static string PathOf(string key) => Prefix + Uri.EscapeDataString(key);
}
