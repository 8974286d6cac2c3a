using System.Net.Http.Json;
using CacheCluster.Hosting;

namespace CacheCluster.Http.Cdn;

/// <summary>
/// Fastly: <c>POST {ApiUrl}/purge/{host}{path}</c> per key; <c>POST /service/{id}/purge</c> with
/// <c>{"surrogate_keys":[…]}</c> (at most 256) for tags; <c>POST /service/{id}/purge_all</c> for purge-all, and for
/// patterns only when opted in (Fastly has no prefix purge; otherwise a pattern is counted as unsupported). <c>Fastly-Soft-Purge: 1</c> when soft (never on purge_all).
/// </summary>
internal sealed class FastlyPurgeTarget(FastlyPurgeOptions options, Uri publicBaseUrl) : ICdnPurgeTarget
{
    public const int MaxKeysPerRequest = 256;
    private readonly string _api = options.ApiUrl.TrimEnd('/');
    private readonly string _service = $"{options.ApiUrl.TrimEnd('/')}/service/{Uri.EscapeDataString(options.ServiceId!)}";
    private readonly string _hostAndPath = (publicBaseUrl.Authority + publicBaseUrl.AbsolutePath).TrimEnd('/');

    public string Name => "fastly";

    public TimeSpan Spacing => TimeSpan.Zero;

    public IEnumerable<PurgeRequest> Plan(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns)
    {
        foreach (var key in keys)
        {
            var url = $"{_api}/purge/{_hostAndPath}{CdnPaths.PathOf(key)}";
            yield return new PurgeRequest(Name, "url", 1, () => Request(url, null, soft: options.SoftPurge));
        }

        foreach (var batch in CdnPaths.Batches(tags, MaxKeysPerRequest))
        {
            yield return new PurgeRequest(Name, "tag", batch.Length, () => Request($"{_service}/purge", new { surrogate_keys = batch }, soft: options.SoftPurge));
        }

        if (patterns.Count > 0)
        {
            if (options.PurgeAllForPatterns)
            {
                foreach (var request in PlanPurgeAll())
                {
                    yield return request;
                }
            }
            else
            {
                yield return new PurgeRequest(Name, "prefix", patterns.Count, null);
            }
        }
    }

    public IEnumerable<PurgeRequest> PlanPurgeAll()
    {
        yield return new PurgeRequest(Name, "all", 1, () => Request($"{_service}/purge_all", null, soft: false));
    }

    private HttpRequestMessage Request(string url, object? body, bool soft)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        request.Headers.TryAddWithoutValidation("Fastly-Key", options.ApiToken);
        request.Headers.Accept.ParseAdd("application/json");
        if (soft)
        {
            request.Headers.TryAddWithoutValidation("Fastly-Soft-Purge", "1");
        }

        return request;
    }
}
