using CacheCluster.Http.Hosting;
using Microsoft.AspNetCore.Http;

namespace CacheCluster.Http.Auth;

/// <summary>
/// API keys limited to key prefixes (<see cref="ApiKeyOptions.KeyPrefixes"/>), like Redis ACL key patterns. A key is
/// owned when it starts with one of the prefixes (ordinal); a pattern when its literal prefix (the text before its
/// first <c>*</c>, <c>?</c> or <c>[</c>, escapes resolved) does, so it can match nothing else. Tags are refused: a tag
/// can sit on any entry, so no prefix bounds what a tag invalidation removes.
/// </summary>
internal static class KeyPrefixRules
{
    /// <summary>Checks one key's prefixes, naming the configuration key at fault.</summary>
    public static void Validate(ApiKeyOptions key, string path, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeyPrefixes.Count == 0)
        {
            return;
        }

        if (key.KeyPrefixes.Any(string.IsNullOrEmpty))
        {
            failures.Add($"{path}:{nameof(key.KeyPrefixes)} has an empty prefix, which would own every key; remove {nameof(key.KeyPrefixes)} for an unlimited key.");
        }

        if (key.Scopes.Contains(ApiScopes.Admin, StringComparer.Ordinal))
        {
            failures.Add($"{path}:{nameof(key.KeyPrefixes)} is set on a key with the '{ApiScopes.Admin}' scope, which covers the whole cluster; name the scopes it needs instead.");
        }
    }

    /// <summary>Gets the text every key a glob matches starts with.</summary>
    public static string LiteralPrefix(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var prefix = new System.Text.StringBuilder(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '*' or '?' or '[':
                    return prefix.ToString();
                case '\\' when i + 1 < pattern.Length:
                    prefix.Append(pattern[++i]);
                    break;
                default:
                    prefix.Append(pattern[i]);
                    break;
            }
        }

        return prefix.ToString();
    }

    /// <summary>
    /// Returns why the caller's key may not invalidate these, or <see langword="null"/> when it may (or is not limited).
    /// </summary>
    public static string? Refusal(HttpContext context, IEnumerable<string?> keys, IEnumerable<string?> tags, IEnumerable<string?> patterns)
    {
        if (ApiKeyIdentity.Current(context) is not { KeyPrefixes.Count: > 0 } identity)
        {
            return null;
        }

        if (tags.Any())
        {
            return $"The API key '{identity.Name}' is limited to key prefixes; it may not invalidate tags, which can sit on any entry.";
        }

        foreach (var key in keys)
        {
            if (key is null || !identity.Owns(key))
            {
                return $"The API key '{identity.Name}' is limited to key prefixes; it does not own the key {CacheKey.Describe(key)}.";
            }
        }

        foreach (var pattern in patterns)
        {
            if (pattern is null || !identity.Owns(LiteralPrefix(pattern)))
            {
                return $"The API key '{identity.Name}' is limited to key prefixes; the pattern {CacheKey.Describe(pattern)} could match keys it does not own (its literal prefix must start with one of the key's prefixes).";
            }
        }

        return null;
    }
}
