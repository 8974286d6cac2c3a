using System.ComponentModel;

namespace CacheCluster;

/// <summary>Builds and checks rate-limiter grain keys.</summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RateLimiterKey
{
    /// <summary>The longest identifier, in UTF-8 bytes.</summary>
    public const int MaxIdentifierBytes = 512;

    /// <summary>The longest policy name.</summary>
    public const int MaxPolicyLength = 128;

    /// <summary>Returns the grain key for a policy and identifier, after checking both.</summary>
    /// <param name="policy">The policy name.</param>
    /// <param name="identifier">Who is counted: a client IP, a user id, an API key hash.</param>
    /// <returns>The key <c>{policy}/{identifier}</c>.</returns>
    /// <exception cref="InvalidRateLimitRequestException">Either is empty, too long, or holds control characters; the policy holds a slash.</exception>
    public static string For(string policy, string identifier)
    {
        ValidatePolicy(policy);
        if (BoundedText.Check(identifier, MaxIdentifierBytes, "identifier") is { } problem)
        {
            throw new InvalidRateLimitRequestException(problem);
        }

        return $"{policy}/{identifier}";
    }

    /// <summary>Checks a policy name.</summary>
    /// <param name="policy">The policy name.</param>
    /// <exception cref="InvalidRateLimitRequestException">The name is empty, too long, or holds a slash or control character.</exception>
    public static void ValidatePolicy(string? policy)
    {
        if (BoundedText.Check(policy, MaxPolicyLength, "policy name") is { } problem)
        {
            throw new InvalidRateLimitRequestException(problem);
        }

        if (policy!.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidRateLimitRequestException($"A policy name must not contain '/' (was {CacheKey.Describe(policy)}).");
        }
    }

    /// <summary>Splits a grain key into policy and identifier.</summary>
    /// <param name="key">The grain key.</param>
    /// <returns>The policy and the identifier.</returns>
    public static (string Policy, string Identifier) Split(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 ? (key, string.Empty) : (key[..slash], key[(slash + 1)..]);
    }
}
