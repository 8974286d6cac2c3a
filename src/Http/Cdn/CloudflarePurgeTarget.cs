using System.Net.Http.Headers;
using System.Net.Http.Json;
using CacheCluster.Hosting;

namespace CacheCluster.Http.Cdn;

/// <summary>
/// Cloudflare: <c>POST {ApiUrl}/zones/{zone}/purge_cache</c> with <c>{"files":[…]}</c>, <c>{"tags":[…]}</c> or
/// <c>{"prefixes":[…]}</c>, at most 100 each; a prefix covering every key, or a purge-all, is
/// <c>{"purge_everything":true}</c>. Requests are spaced to the plan's rate.
/// </summary>
internal sealed class CloudflarePurgeTarget(CloudflarePurgeOptions options, Uri publicBaseUrl) : ICdnPurgeTarget
{
    public const int MaxPerRequest = 100;
    private readonly string _endpoint = $"{options.ApiUrl.TrimEnd('/')}/zones/{Uri.EscapeDataString(options.ZoneId!)}/purge_cache";
    private readonly string _base = publicBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
    private readonly string _hostAndPath = (publicBaseUrl.Authority + publicBaseUrl.AbsolutePath).TrimEnd('/');

    public string Name => "cloudflare";

    public TimeSpan Spacing => TimeSpan.FromSeconds(1 / options.RequestsPerSecond);

    public IEnumerable<PurgeRequest> Plan(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns)
    {
        foreach (var batch in CdnPaths.Batches(keys.Select(k => _base + CdnPaths.PathOf(k)), MaxPerRequest))
        {
            yield return Request("url", batch.Length, new { files = batch });
        }

        foreach (var batch in CdnPaths.Batches(tags, MaxPerRequest))
        {
            yield return Request("tag", batch.Length, new { tags = batch });
        }

        var prefixes = patterns.Select(CdnPaths.PrefixOf).Distinct(StringComparer.Ordinal).ToArray();
        if (prefixes.Contains(CdnPaths.CachePrefix, StringComparer.Ordinal))
        {
            foreach (var request in PlanPurgeAll())
            {
                yield return request;
            }

            yield break;
        }

        foreach (var batch in CdnPaths.Batches(prefixes.Select(p => _hostAndPath + p), MaxPerRequest))
        {
            yield return Request("prefix", batch.Length, new { prefixes = batch });
        }
    }

    public IEnumerable<PurgeRequest> PlanPurgeAll()
    {
        yield return Request("all", 1, new { purge_everything = true });
    }

    private PurgeRequest Request<T>(string kind, int count, T body) => new(Name, kind, count, () =>
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiToken);
        return request;
    });
}
