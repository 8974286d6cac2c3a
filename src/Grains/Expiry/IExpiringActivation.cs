namespace CacheCluster.Expiry;

/// <summary>An activation that holds an entry with a hard expiry and must go away when it passes.</summary>
internal interface IExpiringActivation
{
    /// <summary>Called off the grain's scheduler when a queued due time has passed; must be thread-safe.</summary>
    void OnExpiryDue(DateTimeOffset now);
}

/// <summary>
/// An activation's place in the <see cref="EntryExpiryScheduler"/>. A deactivated activation lets go of its ticket,
/// so the queue never keeps an activation alive: only this small object waits for its due time.
/// </summary>
internal sealed class ExpiryTicket(IExpiringActivation activation)
{
    /// <summary>Gets or sets the activation, or <see langword="null"/> once it has deactivated; guarded by the scheduler.</summary>
    public IExpiringActivation? Activation { get; set; } = activation;

    /// <summary>Gets or sets the due time (UTC ticks) queued for this ticket, 0 when none; guarded by the scheduler.</summary>
    public long DueTicks { get; set; }
}
