namespace CacheCluster.Expiry;

/// <summary>An activation that holds an entry with a hard expiry and must go away when it passes.</summary>
internal interface IExpiringActivation
{
    /// <summary>Gets or sets the due time (UTC ticks) queued for this activation, 0 when none; guarded by the scheduler.</summary>
    long ScheduledExpiryTicks { get; set; }

    /// <summary>Called off the grain's scheduler when a queued due time has passed; must be thread-safe.</summary>
    void OnExpiryDue(DateTimeOffset now);
}
