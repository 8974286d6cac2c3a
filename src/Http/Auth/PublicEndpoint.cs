namespace CacheCluster.Http.Auth;

/// <summary>
/// Endpoint metadata: the endpoint is deliberately open even when API keys are configured (health probes). An
/// endpoint with neither this nor a <see cref="RequiredScope"/> needs the admin scope.
/// </summary>
internal sealed class PublicEndpoint
{
    public static readonly PublicEndpoint Instance = new();

    private PublicEndpoint()
    {
    }
}
