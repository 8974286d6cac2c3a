using System.Diagnostics.Metrics;

namespace CacheCluster.Internal;

/// <summary>The client's instruments, in the same <c>CacheCluster</c> meter as the silo's.</summary>
internal sealed class ClientMetrics
{
    private static readonly Meter SharedMeter = new(CacheClusterDiagnostics.MeterName);

    private readonly Counter<long> _factoryRuns;
    private readonly Histogram<double> _factoryDuration;
    private readonly Counter<long> _failSafe;

    public ClientMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(CacheClusterDiagnostics.MeterName) ?? SharedMeter;
        _factoryRuns = meter.CreateCounter<long>("cachecluster.factory.runs", "{run}", "Factory runs under a lease, tagged outcome=value|none|error|timeout.");
        _factoryDuration = meter.CreateHistogram<double>("cachecluster.factory.duration", "s", "How long factories ran.");
        _failSafe = meter.CreateCounter<long>("cachecluster.client.failsafe", "{answer}", "Calls answered with a stale value because the factory failed or was slow.");
    }

    public void FactoryRan(string outcome, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("outcome", outcome);
        _factoryRuns.Add(1, tag);
        _factoryDuration.Record(duration.TotalSeconds, tag);
    }

    public void AnsweredStale() => _failSafe.Add(1);
}
