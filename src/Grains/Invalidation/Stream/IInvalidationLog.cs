namespace CacheCluster.Invalidation.Stream;

/// <summary>
/// The durable side of the invalidation stream: per partition, a sequence counter and the events accepted but not yet
/// applied; and, across partitions, the ids seen within the duplicate window.
/// </summary>
internal interface IInvalidationLog
{
    /// <summary>
    /// Atomically: if <paramref name="record"/>'s id was seen within the window, returns the original's place; else
    /// numbers the event, stores it as pending and remembers its id for <paramref name="duplicateWindow"/>.
    /// </summary>
    /// <exception cref="CacheStorageException">The store failed; nothing was accepted.</exception>
    Task<LogAppend> AppendAsync(int partition, LoggedEvent record, TimeSpan duplicateWindow, DateTimeOffset now);

    /// <summary>Lists the partition's pending events in sequence order.</summary>
    Task<IReadOnlyList<LoggedEvent>> PendingAsync(int partition);

    /// <summary>Records that the event has been applied.</summary>
    Task CompleteAsync(int partition, long sequence);

    /// <summary>Tells whether the partition has events accepted but not yet applied.</summary>
    Task<bool> HasPendingAsync(int partition);

    /// <summary>Gets the partition's last sequence number given (0 for none).</summary>
    Task<long> LastSequenceAsync(int partition);
}
