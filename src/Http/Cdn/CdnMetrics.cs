using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CacheCluster.Http.Cdn;

/// <summary>The CDN purger's instruments, on the cluster's one meter (<see cref="CacheClusterDiagnostics.MeterName"/>).</summary>
internal sealed class CdnMetrics
{
    private readonly Counter<long> _purges;
    private readonly Counter<long> _retries;
    private readonly ConcurrentDictionary<string, Func<int>> _backlogs = new(StringComparer.Ordinal);

    public CdnMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(CacheClusterDiagnostics.MeterName);
        _purges = meter.CreateCounter<long>("cachecluster.cdn.purges", "{item}", "URLs, tags and prefixes sent to a CDN, tagged provider, kind=url|tag|prefix|all and outcome=purged|failed|unsupported|dropped (queue full)|superseded (covered by a purge-all).");
        _retries = meter.CreateCounter<long>("cachecluster.cdn.retries", "{request}", "CDN purge requests retried after a failure, tagged provider.");
        meter.CreateObservableGauge("cachecluster.cdn.backlog", ObserveBacklogs, "{request}", "Purge requests waiting to be sent, tagged provider.");
    }

    /// <summary>Reports a provider's queue length from now on (a newer purger activation replaces an older one).</summary>
    public void TrackBacklog(string provider, Func<int> count) => _backlogs[provider] = count;

    public void Purged(string provider, string kind, string outcome, int count) =>
        _purges.Add(count, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("outcome", outcome));

    public void Retried(string provider) => _retries.Add(1, new KeyValuePair<string, object?>("provider", provider));

    private IEnumerable<Measurement<int>> ObserveBacklogs() =>
        _backlogs.Select(static b => new Measurement<int>(b.Value(), new KeyValuePair<string, object?>("provider", b.Key)));
}
