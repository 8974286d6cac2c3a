using System.Net;
using System.Text.Json;

namespace CacheCluster.Cli.Connection.Http;

/// <summary>The operator's view over HTTP: <c>GET /v1/cluster</c>, <c>/v1/cluster/hotkeys</c> and <c>/v1/cluster/slowlog</c> as JSON.</summary>
internal sealed class HttpOperations(HttpApiClient api)
{
    /// <summary>Gets the answer of <paramref name="path"/> (relative to the API's base address) as a JSON document.</summary>
    /// <exception cref="CacheClusterException">The API refused (a 401 or 403 names the scope) or is unreachable.</exception>
    public async Task<JsonDocument> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await api.SendAsync(HttpMethod.Get, path, content: null, headers: null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await HttpProblem.ToExceptionAsync(response, cancellationToken);
        }

        return JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }
}
