using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Http.Auth;

/// <summary>Who called: the name of the API key that authenticated the request, its scopes and its key prefixes.</summary>
internal sealed class ApiKeyIdentity(string name, IReadOnlySet<string> scopes, IReadOnlyList<string>? keyPrefixes = null)
{
    private static readonly object ItemKey = new();

    public string Name { get; } = name;

    /// <summary>Gets the prefixes the key is limited to; empty when it may use every key.</summary>
    public IReadOnlyList<string> KeyPrefixes { get; } = keyPrefixes ?? [];

    public bool Allows(string scope) => scopes.Contains(ApiScopes.Admin) || scopes.Contains(scope);

    /// <summary>Tells whether the key may use <paramref name="key"/>: it starts with one of <see cref="KeyPrefixes"/>, or there are none.</summary>
    public bool Owns(string key) => KeyPrefixes.Count == 0 || KeyPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal));

    public static void Set(HttpContext context, ApiKeyIdentity identity) => context.Items[ItemKey] = identity;

    /// <summary>Gets the identity the request authenticated as, or <see langword="null"/> (no keys configured, or a public endpoint).</summary>
    public static ApiKeyIdentity? Current(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) ? value as ApiKeyIdentity : null;

    /// <summary>Tells whether the request may use <paramref name="scope"/>: always when no keys are configured.</summary>
    public static bool Allows(HttpContext context, string scope) =>
        !context.RequestServices.GetRequiredService<ApiKeyAuthenticator>().Enabled
        || (Current(context) is { } identity && identity.Allows(scope));
}
