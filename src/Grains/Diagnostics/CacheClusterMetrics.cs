using System.Diagnostics.Metrics;

namespace CacheCluster.Diagnostics;

/// <summary>The silo's instruments. Tags stay low-cardinality: never a key.</summary>
internal sealed class CacheClusterMetrics
{
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _expirations;

    public CacheClusterMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(CacheClusterDiagnostics.MeterName);
        _hits = meter.CreateCounter<long>("cachecluster.entry.hits", "{read}", "Reads that found the key, tagged state=fresh|stale.");
        _misses = meter.CreateCounter<long>("cachecluster.entry.misses", "{read}", "Reads that found no key.");
        _writes = meter.CreateCounter<long>("cachecluster.entry.writes", "{write}", "Acknowledged writes, tagged by operation.");
        _expirations = meter.CreateCounter<long>("cachecluster.entry.expirations", "{entry}", "Active entries released at their hard expiry.");
    }

    public void Hit(CacheEntryState state) =>
        _hits.Add(1, new KeyValuePair<string, object?>("state", state == CacheEntryState.Stale ? "stale" : "fresh"));

    public void Miss() => _misses.Add(1);

    public void Write(string operation) => _writes.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Expired() => _expirations.Add(1);
}
