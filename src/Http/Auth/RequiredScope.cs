namespace CacheCluster.Http.Auth;

/// <summary>Endpoint metadata: the scope an API key needs for the endpoint (when keys are configured).</summary>
/// <param name="Scope">The scope.</param>
internal sealed record RequiredScope(string Scope)
{
    /// <summary>
    /// Gets another scope that lets the request through as well, or <see langword="null"/>: for an endpoint whose
    /// operations check their own scope (a batch of reads and writes).
    /// </summary>
    public string? OrScope { get; init; }
}
