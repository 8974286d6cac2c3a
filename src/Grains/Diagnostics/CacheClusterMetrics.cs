using System.Diagnostics.Metrics;

namespace CacheCluster.Diagnostics;

/// <summary>The silo's instruments. Tags stay low-cardinality: never a key.</summary>
internal sealed class CacheClusterMetrics
{
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _writes;
    private readonly Counter<long> _expirations;
    private readonly Counter<long> _leasesGranted;
    private readonly Counter<long> _waits;
    private readonly Counter<long> _leasesVoided;
    private readonly Counter<long> _leasesExpired;
    private readonly Counter<long> _failSafeActivations;

    public CacheClusterMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(CacheClusterDiagnostics.MeterName);
        _hits = meter.CreateCounter<long>("cachecluster.entry.hits", "{read}", "Reads that found the key, tagged state=fresh|stale.");
        _misses = meter.CreateCounter<long>("cachecluster.entry.misses", "{read}", "Reads that found no key.");
        _writes = meter.CreateCounter<long>("cachecluster.entry.writes", "{write}", "Acknowledged writes, tagged by operation.");
        _expirations = meter.CreateCounter<long>("cachecluster.entry.expirations", "{entry}", "Active entries released at their hard expiry.");
        _leasesGranted = meter.CreateCounter<long>("cachecluster.lease.granted", "{lease}", "Fill and refresh leases granted, tagged kind=fill|refresh.");
        _waits = meter.CreateCounter<long>("cachecluster.lease.waits", "{wait}", "Reads that waited inside the grain for another caller's fill.");
        _leasesVoided = meter.CreateCounter<long>("cachecluster.lease.voided", "{lease}", "Leases voided by a delete, overwrite or invalidation, and fills rejected for a voided lease.");
        _leasesExpired = meter.CreateCounter<long>("cachecluster.lease.expired", "{lease}", "Leases that timed out without a fill and passed on.");
        _failSafeActivations = meter.CreateCounter<long>("cachecluster.failsafe.activations", "{activation}", "Failed refreshes answered by keeping the stale value and throttling further refreshes.");
    }

    public void Hit(CacheEntryState state) =>
        _hits.Add(1, new KeyValuePair<string, object?>("state", state == CacheEntryState.Stale ? "stale" : "fresh"));

    public void Miss() => _misses.Add(1);

    public void Write(string operation) => _writes.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Expired() => _expirations.Add(1);

    public void LeaseGranted(CacheLeaseKind kind) =>
        _leasesGranted.Add(1, new KeyValuePair<string, object?>("kind", kind == CacheLeaseKind.Fill ? "fill" : "refresh"));

    public void Waited() => _waits.Add(1);

    public void LeaseVoided() => _leasesVoided.Add(1);

    public void LeaseExpired() => _leasesExpired.Add(1);

    public void FailSafeActivated() => _failSafeActivations.Add(1);
}
