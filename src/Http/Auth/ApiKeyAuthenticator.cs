using System.Security.Cryptography;
using System.Text;
using CacheCluster.Http.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Auth;

/// <summary>
/// Checks bearer tokens against the configured API keys. Only SHA-256 hashes of the keys are kept: the secrets are
/// cleared from the options once hashed, and from the configuration by <see cref="ForgetSecrets"/>. Every presented
/// token is compared with every key in constant time, so neither a match nor its position leaks through timing.
/// </summary>
internal sealed class ApiKeyAuthenticator
{
    private readonly (byte[] Hash, ApiKeyIdentity Identity)[] _keys;

    public ApiKeyAuthenticator(IOptions<CacheClusterHttpOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _keys = [.. options.Value.ApiKeys.Select(pair => (
            SHA256.HashData(Encoding.UTF8.GetBytes(pair.Value.Key ?? string.Empty)),
            new ApiKeyIdentity(pair.Key, pair.Value.Scopes.ToHashSet(StringComparer.Ordinal), [.. pair.Value.KeyPrefixes])))];
        foreach (var key in options.Value.ApiKeys.Values)
        {
            key.Key = null;
        }
    }

    /// <summary>Gets a value indicating whether any key is configured; when not, the API is open.</summary>
    public bool Enabled => _keys.Length > 0;

    /// <summary>
    /// Removes the keys' secrets (<c>CacheCluster:Http:ApiKeys:{name}:Key</c>) from <paramref name="configuration"/>'s
    /// providers, so that only the hashes stay in the process's managed state after start.
    /// </summary>
    public static void ForgetSecrets(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var entry in configuration.GetSection($"{CacheClusterHttpOptions.SectionName}:{nameof(CacheClusterHttpOptions.ApiKeys)}").GetChildren())
        {
            if (entry[nameof(ApiKeyOptions.Key)] is not null)
            {
                entry[nameof(ApiKeyOptions.Key)] = null;
            }
        }
    }

    /// <summary>Returns the identity of the key equal to <paramref name="token"/>, or <see langword="null"/>.</summary>
    public ApiKeyIdentity? Authenticate(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        ApiKeyIdentity? match = null;
        foreach (var (keyHash, identity) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, keyHash))
            {
                match = identity;
            }
        }

        return match;
    }
}
