namespace CacheCluster.Http.Auth;

/// <summary>
/// Endpoint metadata: the endpoint reads the keys it touches from its body and refuses, itself, those a prefix-limited
/// API key does not own (<see cref="KeyPrefixRules.Refusal"/>). Without it, such a key gets 403 on any endpoint whose
/// path names no key.
/// </summary>
internal sealed class KeyPrefixesCheckedByEndpoint
{
    public static readonly KeyPrefixesCheckedByEndpoint Instance = new();

    private KeyPrefixesCheckedByEndpoint()
    {
    }
}
