using System.Diagnostics.Metrics;

namespace CacheCluster.Internal;

/// <summary>The client's instruments, in the same <c>CacheCluster</c> meter as the silo's.</summary>
internal sealed class ClientMetrics
{
    private static readonly Meter SharedMeter = new(CacheClusterDiagnostics.MeterName);

    private readonly Counter<long> _factoryRuns;
    private readonly Histogram<double> _factoryDuration;
    private readonly Counter<long> _failSafe;
    private readonly Counter<long> _nearHits;
    private readonly Counter<long> _nearMisses;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _queuedApplied;
    private readonly Counter<long> _queuedDropped;
    private readonly Meter _meter;
    private readonly bool _ownMeter;

    public ClientMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(CacheClusterDiagnostics.MeterName) ?? SharedMeter;
        _meter = meter;
        _ownMeter = meterFactory is not null;
        _fallbacks = meter.CreateCounter<long>("cachecluster.client.fallbacks", "{call}", "Calls answered without the cluster because it could not answer, tagged kind=near|factory|miss|queued.");
        _queuedApplied = meter.CreateCounter<long>("cachecluster.client.queue.applied", "{write}", "Queued writes applied once the cluster was back.");
        _queuedDropped = meter.CreateCounter<long>("cachecluster.client.queue.dropped", "{write}", "Queued Sets dropped to make room in a full queue.");
        _factoryRuns = meter.CreateCounter<long>("cachecluster.factory.runs", "{run}", "Factory runs under a lease, tagged outcome=value|none|error|timeout.");
        _factoryDuration = meter.CreateHistogram<double>("cachecluster.factory.duration", "s", "How long factories ran.");
        _nearHits = meter.CreateCounter<long>("cachecluster.client.near.hits", "{read}", "Reads answered from the near cache.");
        _nearMisses = meter.CreateCounter<long>("cachecluster.client.near.misses", "{read}", "Near-cache reads that went to the cluster.");
        _failSafe = meter.CreateCounter<long>("cachecluster.client.failsafe", "{answer}", "Calls answered with a stale value because the factory failed or was slow.");
    }

    public void FactoryRan(string outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _factoryRuns.Add(1, tag);
        _factoryDuration.Record(duration.TotalSeconds, tag);
    }

    public void AnsweredStale() => _failSafe.Add(1);

    public void NearHit() => _nearHits.Add(1);

    public void NearMiss() => _nearMisses.Add(1);

    public void Fallback(string kind) => _fallbacks.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void QueuedWriteApplied() => _queuedApplied.Add(1);

    public void QueuedSetDropped() => _queuedDropped.Add(1);

    /// <summary>
    /// The breaker's state and the queue's length as gauges. Only on a meter of the application's (from its
    /// IMeterFactory, disposed with it): on the process-wide meter the callbacks would keep every client alive.
    /// </summary>
    public void ObserveResilience(ClusterCache.ResilienceState state)
    {
        if (!_ownMeter)
        {
            return;
        }

        _meter.CreateObservableGauge("cachecluster.client.breaker.state", () => (int)state.Breaker.State, "{state}", "The client's circuit breaker: 0 closed, 1 open, 2 half-open.");
        _meter.CreateObservableGauge("cachecluster.client.queue.length", () => state.Queue.Count, "{write}", "Writes kept for when the cluster is back.");
    }
}
