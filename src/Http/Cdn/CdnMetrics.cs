using System.Diagnostics.Metrics;

namespace CacheCluster.Http.Cdn;

/// <summary>The CDN purger's instruments, on the cluster's one meter (<see cref="CacheClusterDiagnostics.MeterName"/>).</summary>
internal sealed class CdnMetrics
{
    private readonly Counter<long> _purges;
    private readonly Counter<long> _retries;

    public CdnMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(CacheClusterDiagnostics.MeterName);
        _purges = meter.CreateCounter<long>("cachecluster.cdn.purges", "{item}", "URLs, tags and prefixes sent to a CDN, tagged provider, kind=url|tag|prefix|all and outcome=purged|failed|unsupported.");
        _retries = meter.CreateCounter<long>("cachecluster.cdn.retries", "{request}", "CDN purge requests retried after a failure, tagged provider.");
    }

    public void Purged(string provider, string kind, string outcome, int count) =>
        _purges.Add(count, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    public void Retried(string provider) => _retries.Add(1, new KeyValuePair<string, object?>("provider", provider));
}
