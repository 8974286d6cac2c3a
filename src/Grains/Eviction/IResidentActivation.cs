namespace CacheCluster.Eviction;

/// <summary>An entry activation in the <see cref="ActiveEntryTable"/>: its recency, and a way to make it go.</summary>
internal interface IResidentActivation
{
    /// <summary>Gets or sets the activation's slot in the table, -1 when none; guarded by the table.</summary>
    int ResidentIndex { get; set; }

    /// <summary>Gets the recency stamp (<see cref="Recency"/>) of the activation's last call; read off its scheduler.</summary>
    int LastUsed { get; }

    /// <summary>Gets a value indicating whether the activation was told to go (by <see cref="TryEvict"/>).</summary>
    bool IsGoing { get; }

    /// <summary>Gets a value indicating whether the activation may go now (not already going, no lease out).</summary>
    bool IsEvictable { get; }

    /// <summary>Gets a value indicating whether a fill or refresh lease is out; read off the activation's scheduler.</summary>
    bool HoldsLease => false;

    /// <summary>Asks the activation to deactivate; thread-safe. Returns <see langword="false"/> if it was already asked.</summary>
    bool TryEvict(EvictionReason reason);
}
