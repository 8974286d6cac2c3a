using CacheCluster.Hosting;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Cdn;

/// <summary>The configured CDNs (<see cref="CdnOptions"/>), each as a purge target; none when no provider is configured.</summary>
internal sealed class CdnPurgeTargets(IOptions<CdnOptions> options)
{
    public IReadOnlyList<ICdnPurgeTarget> All { get; } = Create(options.Value);

    private static List<ICdnPurgeTarget> Create(CdnOptions cdn)
    {
        var targets = new List<ICdnPurgeTarget>();
        if (cdn.Varnish.Url is not null)
        {
            targets.Add(new VarnishPurgeTarget(cdn.Varnish));
        }

        if (cdn.Cloudflare.ZoneId is not null)
        {
            targets.Add(new CloudflarePurgeTarget(cdn.Cloudflare, new Uri(cdn.PublicBaseUrl!)));
        }

        if (cdn.Fastly.ServiceId is not null)
        {
            targets.Add(new FastlyPurgeTarget(cdn.Fastly, new Uri(cdn.PublicBaseUrl!)));
        }

        return targets;
    }
}
