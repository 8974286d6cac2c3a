using CacheCluster.Diagnostics;
using CacheCluster.Eviction;
using CacheCluster.Expiry;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Entries;

/// <summary>
/// Residency: the activation goes away at the entry's hard expiry (the expiry scheduler's call) or when the silo's
/// memory bound picks it (the eviction monitor's call).
/// </summary>
internal sealed partial class CacheEntryGrain
{
    private ExpiryTicket? _expiryTicket;

    // The memory bound's view of this activation: its slot in the table, its last call, and whether it was told to go.
    private int _residentIndex = -1;
    private int _lastUsed;
    private int _evicting;

    /// <summary>
    /// Takes this activation's address out of the silo's grain-address cache as it goes (Orleans' batched
    /// unregistration, how idle activations leave, would keep it there): an idle entry keeps no address.
    /// </summary>
    private void ForgetAddress() => ServiceProvider.GetService<EntryAddressCache>()?.Forget(GrainContext.Address);

    void IExpiringActivation.OnExpiryDue(DateTimeOffset now)
    {
        var record = _record;
        if (record is null)
        {
            return;
        }

        if (record.IsExpiredAt(now))
        {
            Metrics.Expired();
            CacheClusterEvents.Write(CacheClusterEvents.EntryExpired, _key);
            GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "The entry passed its hard expiry."));
        }
        else if (record.ExpiresAt is { } expiresAt)
        {
            ExpiryScheduler.Schedule(_expiryTicket!, expiresAt);
        }
    }

    int IResidentActivation.ResidentIndex
    {
        get => _residentIndex;
        set => _residentIndex = value;
    }

    int IResidentActivation.LastUsed => Volatile.Read(ref _lastUsed);

    bool IResidentActivation.IsGoing => Volatile.Read(ref _evicting) != 0;

    bool IResidentActivation.HoldsLease => _lease is not null;

    bool IResidentActivation.IsEvictable => Volatile.Read(ref _evicting) == 0 && _lease is null;

    bool IResidentActivation.TryEvict(EvictionReason reason)
    {
        if (Interlocked.Exchange(ref _evicting, 1) != 0)
        {
            return false;
        }

        GrainContext.Deactivate(new DeactivationReason(
            DeactivationReasonCode.HighMemoryPressure,
            reason == EvictionReason.Memory ? "The silo neared its memory bound." : "The silo passed its entry limit."));
        return true;
    }
}
