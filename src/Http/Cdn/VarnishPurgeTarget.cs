using System.Text.RegularExpressions;
using CacheCluster.Hosting;

namespace CacheCluster.Http.Cdn;

/// <summary>
/// Varnish: <c>PURGE {path}</c> per key; <c>BAN</c> with <c>X-Ban-Tag</c> (a regex-escaped tag, matched against the
/// cached object's <c>Cache-Tag</c>) per tag; <c>BAN</c> with <c>X-Ban-Url</c> (an anchored, escaped path prefix)
/// per pattern. The VCL in scripts/varnish/cachecluster.vcl turns them into purges and bans.
/// </summary>
internal sealed class VarnishPurgeTarget(VarnishPurgeOptions options) : ICdnPurgeTarget
{
    private static readonly HttpMethod Purge = new("PURGE");
    private static readonly HttpMethod Ban = new("BAN");
    private readonly string _url = options.Url!.TrimEnd('/');

    public string Name => "varnish";

    public TimeSpan Spacing => TimeSpan.Zero;

    public IEnumerable<PurgeRequest> Plan(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns)
    {
        foreach (var key in keys)
        {
            var path = CdnPaths.PathOf(key);
            yield return new PurgeRequest(Name, "url", 1, () => Request(Purge, path));
        }

        foreach (var tag in tags)
        {
            yield return new PurgeRequest(Name, "tag", 1, () => Request(Ban, "/", ("X-Ban-Tag", Regex.Escape(tag))));
        }

        foreach (var pattern in patterns)
        {
            var prefix = "^" + Regex.Escape(CdnPaths.PrefixOf(pattern));
            yield return new PurgeRequest(Name, "prefix", 1, () => Request(Ban, "/", ("X-Ban-Url", prefix)));
        }
    }

    public IEnumerable<PurgeRequest> PlanPurgeAll()
    {
        yield return new PurgeRequest(Name, "all", 1, () => Request(Ban, "/", ("X-Ban-Url", "^" + Regex.Escape(CdnPaths.CachePrefix))));
    }

    private HttpRequestMessage Request(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, _url + path);
        if (options.Host is { } host)
        {
            request.Headers.Host = host;
        }

        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
