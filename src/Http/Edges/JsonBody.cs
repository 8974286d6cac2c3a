namespace CacheCluster.Http.Edges;

/// <summary>
/// Endpoint metadata: the endpoint reads a JSON body, so the request must say <c>Content-Type: application/json</c>
/// (see <see cref="JsonContentTypeMiddleware"/>). A browser page can send <c>text/plain</c> to any origin without a
/// preflight; it cannot send <c>application/json</c> cross-origin unless CORS allows it.
/// </summary>
internal sealed class JsonBody
{
    public static JsonBody Instance { get; } = new();

    private JsonBody()
    {
    }
}
