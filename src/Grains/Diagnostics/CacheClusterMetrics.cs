using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

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
    private readonly Counter<long> _events;
    private readonly Counter<long> _eventsApplied;
    private readonly Counter<long> _entriesInvalidated;
    private readonly Histogram<double> _applyLag;
    private readonly Counter<long> _fanOutFailures;
    private readonly UpDownCounter<long> _subscribers;
    private readonly Counter<long> _subscriberFailures;
    private readonly Counter<long> _noticesDropped;
    private readonly Counter<long> _nearCacheNotices;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _rateLimitDecisions;
    private readonly Meter _meter;

    private readonly TimeProvider _clock;

    public CacheClusterMetrics(IMeterFactory meterFactory, [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _clock = clock ?? TimeProvider.System;
        var meter = _meter = meterFactory.Create(CacheClusterDiagnostics.MeterName);
        _hits = meter.CreateCounter<long>("cachecluster.entry.hits", "{read}", "Reads that found the key, tagged state=fresh|stale.");
        _misses = meter.CreateCounter<long>("cachecluster.entry.misses", "{read}", "Reads that found no key.");
        _writes = meter.CreateCounter<long>("cachecluster.entry.writes", "{write}", "Acknowledged writes, tagged by operation.");
        _expirations = meter.CreateCounter<long>("cachecluster.entry.expirations", "{entry}", "Active entries released at their hard expiry.");
        _leasesGranted = meter.CreateCounter<long>("cachecluster.lease.granted", "{lease}", "Fill and refresh leases granted, tagged kind=fill|refresh.");
        _waits = meter.CreateCounter<long>("cachecluster.lease.waits", "{wait}", "Reads that waited inside the grain for another caller's fill.");
        _leasesVoided = meter.CreateCounter<long>("cachecluster.lease.voided", "{lease}", "Leases voided by a delete, overwrite or invalidation, and fills rejected for a voided lease.");
        _leasesExpired = meter.CreateCounter<long>("cachecluster.lease.expired", "{lease}", "Leases that timed out without a fill and passed on.");
        _failSafeActivations = meter.CreateCounter<long>("cachecluster.failsafe.activations", "{activation}", "Failed refreshes answered by keeping the stale value and throttling further refreshes.");
        _events = meter.CreateCounter<long>("cachecluster.invalidation.events", "{event}", "Published domain events, tagged outcome=accepted|unmatched|duplicate|rejected|failed.");
        _eventsApplied = meter.CreateCounter<long>("cachecluster.invalidation.applied", "{event}", "Events whose fan-out completed.");
        _entriesInvalidated = meter.CreateCounter<long>("cachecluster.invalidation.entries", "{entry}", "Entries removed by applied events.");
        _applyLag = meter.CreateHistogram<double>("cachecluster.invalidation.lag", "s", "Time from accepting an event to completing its fan-out.");
        _fanOutFailures = meter.CreateCounter<long>("cachecluster.invalidation.fanout.failures", "{attempt}", "Fan-out attempts that failed and will be retried.");
        _subscribers = meter.CreateUpDownCounter<long>("cachecluster.invalidation.subscribers", "{subscription}", "Subscriptions held by this silo's stream partitions.");
        _subscriberFailures = meter.CreateCounter<long>("cachecluster.invalidation.subscriber.failures", "{notice}", "Notices a subscriber failed to take (fault or timeout).");
        _nearCacheNotices = meter.CreateCounter<long>("cachecluster.nearcache.notices", "{notice}", "One-shot change notices sent to clients tracking a key in their near cache.");
        _evictions = meter.CreateCounter<long>("cachecluster.evictions", "{entry}", "Entries made to leave memory at the silo's bound (MaxMemoryMB, MaxEntries), tagged reason=memory|entries and outcome=deactivated (the activation went, the record stays in the store) | removed (an embedded record was evicted).");
        _noticesDropped = meter.CreateCounter<long>("cachecluster.invalidation.notices.dropped", "{notice}", "Notices dropped because a subscriber's queue was full.");
        _rateLimitDecisions = meter.CreateCounter<long>("cachecluster.ratelimit.decisions", "{decision}", "Rate-limit decisions, tagged policy and outcome=allowed|limited (a shadow-mode refusal counts as limited).");
        meter.CreateObservableGauge(
            "cachecluster.entry.hit_ratio",
            () => Totals.HitRatio is { } ratio ? [new Measurement<double>(ratio)] : Array.Empty<Measurement<double>>(),
            "1",
            "Hits ÷ (hits + misses) of this silo's entry reads since it started; absent before the first read.");
        meter.CreateObservableGauge("cachecluster.invalidation.pending", ObservePending, "{event}", "Events accepted by a stream partition active on this silo and not yet applied, tagged partition.");
        meter.CreateObservableGauge("cachecluster.invalidation.pending.age", ObservePendingAge, "s", "Age of the oldest event a stream partition active on this silo has accepted and not yet applied (0 when none): the invalidation lag, tagged partition.");
    }

    /// <summary>Gets the silo's running totals.</summary>
    public SiloCounters Totals { get; } = new();

    public void Hit(CacheEntryState state)
    {
        Totals.Hit();
        _hits.Add(1, new KeyValuePair<string, object?>("state", state == CacheEntryState.Stale ? "stale" : "fresh"));
    }

    public void Miss()
    {
        Totals.Miss();
        _misses.Add(1);
    }

    /// <summary>Counts one decision of a rate-limit policy (policy names are configured, so the tag stays low-cardinality).</summary>
    public void RateLimitDecided(string policy, bool allowed)
    {
        Totals.RateLimitDecided(allowed);
        _rateLimitDecisions.Add(1, new KeyValuePair<string, object?>("policy", policy), new KeyValuePair<string, object?>("outcome", allowed ? "allowed" : "limited"));
    }

    /// <summary>Records what a stream partition has accepted but not yet applied (after every change of its queue).</summary>
    public void PartitionPending(int partition, int count, DateTimeOffset? oldestAcceptedAt) => Totals.SetPending(partition, count, oldestAcceptedAt);

    public void Write(string operation) => _writes.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Expired() => _expirations.Add(1);

    public void LeaseGranted(CacheLeaseKind kind) =>
        _leasesGranted.Add(1, new KeyValuePair<string, object?>("kind", kind == CacheLeaseKind.Fill ? "fill" : "refresh"));

    public void Waited() => _waits.Add(1);

    public void LeaseVoided() => _leasesVoided.Add(1);

    public void LeaseExpired() => _leasesExpired.Add(1);

    public void FailSafeActivated() => _failSafeActivations.Add(1);

    public void EventPublished(string outcome) => _events.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void EventApplied(long entries, TimeSpan lag)
    {
        _eventsApplied.Add(1);
        _entriesInvalidated.Add(entries);
        _applyLag.Record(Math.Max(0, lag.TotalSeconds));
    }

    public void FanOutFailed() => _fanOutFailures.Add(1);

    public void SubscriberAdded() => _subscribers.Add(1);

    public void SubscriberRemoved() => _subscribers.Add(-1);

    public void SubscriberFailed() => _subscriberFailures.Add(1);

    public void NoticeDropped() => _noticesDropped.Add(1);

    public void NearCacheNotices(int count) => _nearCacheNotices.Add(count);

    public void Evicted(string reason, string outcome, int count)
    {
        if (count > 0)
        {
            Totals.Evicted(count);
            _evictions.Add(count, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>Publishes the entry counts as the gauge <c>cachecluster.entries</c>, tagged state=active|stored.</summary>
    public void ObserveEntries(Func<int> active, Func<int>? stored) =>
        _meter.CreateObservableGauge(
            "cachecluster.entries",
            () => stored is null
                ? [new Measurement<long>(active(), new KeyValuePair<string, object?>("state", "active"))]
                : new[]
                {
                    new Measurement<long>(active(), new KeyValuePair<string, object?>("state", "active")),
                    new Measurement<long>(stored(), new KeyValuePair<string, object?>("state", "stored")),
                },
            "{entry}",
            "Entries in this silo's memory: state=active counts entry activations, state=stored the embedded store's records.");

    private IEnumerable<Measurement<long>> ObservePending() =>
        Totals.Pending().Select(p => new Measurement<long>(p.Pending, new KeyValuePair<string, object?>("partition", p.Partition)));

    private IEnumerable<Measurement<double>> ObservePendingAge()
    {
        var now = _clock.GetUtcNow();
        return Totals.Pending().Select(p => new Measurement<double>(
            p.OldestAcceptedAt is { } oldest ? Math.Max(0, (now - oldest).TotalSeconds) : 0,
            new KeyValuePair<string, object?>("partition", p.Partition)));
    }
}
