using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Http.Auth;

/// <summary>Who called: the name of the API key that authenticated the request, and its scopes.</summary>
internal sealed class ApiKeyIdentity(string name, IReadOnlySet<string> scopes)
{
    private static readonly object ItemKey = new();

    public string Name { get; } = name;

    public bool Allows(string scope) => scopes.Contains(ApiScopes.Admin) || scopes.Contains(scope);

    public static void Set(HttpContext context, ApiKeyIdentity identity) => context.Items[ItemKey] = identity;

    /// <summary>Tells whether the request may use <paramref name="scope"/>: always when no keys are configured.</summary>
    public static bool Allows(HttpContext context, string scope) =>
        !context.RequestServices.GetRequiredService<ApiKeyAuthenticator>().Enabled
        || (context.Items.TryGetValue(ItemKey, out var value) && value is ApiKeyIdentity identity && identity.Allows(scope));
}
