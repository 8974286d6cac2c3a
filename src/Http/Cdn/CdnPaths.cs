using System.Text;
using CacheCluster.Http.Entries;

namespace CacheCluster.Http.Cdn;

/// <summary>Where the HTTP API serves a key (<see cref="CacheRoute"/>), and what URL prefix covers a glob.</summary>
internal static class CdnPaths
{
    public const string CachePrefix = CacheRoute.Prefix;

    public static string PathOf(string key) => CacheRoute.PathOf(key);

    /// <summary>
    /// Gets the path prefix that covers every key the pattern matches: its literal text up to the first wildcard. Purging
    /// by prefix may purge more than the pattern matches, never less. An empty literal part means every cached key.
    /// </summary>
    public static string PrefixOf(string pattern)
    {
        var literal = new StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c is '*' or '?' or '[')
            {
                break;
            }

            if (c == '\\' && i + 1 < pattern.Length)
            {
                c = pattern[++i];
            }

            literal.Append(c);
        }

        // A trailing lone surrogate cannot be escaped; the prefix before it still covers the matches.
        if (literal.Length > 0 && char.IsHighSurrogate(literal[^1]))
        {
            literal.Length--;
        }

        return CachePrefix + Uri.EscapeDataString(literal.ToString());
    }

    /// <summary>Splits a list into batches of at most <paramref name="size"/>.</summary>
    public static IEnumerable<string[]> Batches(IEnumerable<string> items, int size) => items.Chunk(size);
}
