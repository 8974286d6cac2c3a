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

    public ClientMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(CacheClusterDiagnostics.MeterName) ?? SharedMeter;
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
}
