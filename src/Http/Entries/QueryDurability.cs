using Microsoft.AspNetCore.Http;

namespace CacheCluster.Http.Entries;

/// <summary>
/// <c>?durability=stored|writebehind</c> (any case): when the write is acknowledged, overriding the silo's
/// <c>CacheCluster:Durability</c>. Anything else is an <see cref="InvalidCacheOptionsException"/> (400
/// <c>invalid-options</c>) naming the parameter and the value.
/// </summary>
internal static class QueryDurability
{
    public const string Name = "durability";

    /// <summary>Reads <c>?durability=</c>; <see langword="null"/> when absent (the silo's setting).</summary>
    public static CacheDurability? Read(HttpRequest request)
    {
        if (!request.Query.TryGetValue(Name, out var values))
        {
            return null;
        }

        return (values.Count == 1 ? values[0]?.ToLowerInvariant() : null) switch
        {
            "stored" => CacheDurability.Stored,
            "writebehind" => CacheDurability.WriteBehind,
            _ => throw new InvalidCacheOptionsException($"?{Name}= must be stored or writebehind (was '{values}')."),
        };
    }
}
