namespace CacheCluster.Http.Auth;

/// <summary>Endpoint metadata: the scope an API key needs for the endpoint (when keys are configured).</summary>
/// <param name="Scope">The scope.</param>
internal sealed record RequiredScope(string Scope);
