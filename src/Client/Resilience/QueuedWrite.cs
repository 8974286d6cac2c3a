namespace CacheCluster.Resilience;

/// <summary>
/// A write the cluster did not take, kept for when it is back: what it targets (one per target, the newest wins),
/// whether it removes (removes are never dropped for room), and how to apply it.
/// </summary>
internal sealed class QueuedWrite(QueuedWriteKind kind, string target, string? key, Func<CancellationToken, Task> apply)
{
    /// <summary>Gets the tag a <see cref="QueuedWriteKind.RemoveTag"/> removes.</summary>
    public string? Tag { get; init; }

    /// <summary>Gets the pattern a <see cref="QueuedWriteKind.RemovePattern"/> removes.</summary>
    public NearCache.CacheKeyPattern? Pattern { get; init; }

    /// <summary>Gets what the write does.</summary>
    public QueuedWriteKind Kind { get; } = kind;

    /// <summary>Gets the queue's deduplication key: the kind's prefix and the key, tag, pattern or event id.</summary>
    public string Target { get; } = target;

    /// <summary>Gets the cache key the write is about, or <see langword="null"/> for a tag, pattern or event.</summary>
    public string? Key { get; } = key;

    /// <summary>Gets the order in which writes were queued (set by the queue).</summary>
    public long Sequence { get; set; }

    /// <summary>Gets a value indicating whether the write removes or invalidates.</summary>
    public bool Removes => Kind != QueuedWriteKind.Set;

    private readonly Lock _lock = new();
    private Task? _applying;

    /// <summary>
    /// Sends the write to the cluster, once for every caller at a time (the drain, and a new write to the same key that
    /// must come after it); after a failure the next caller sends it again.
    /// </summary>
    public Task ApplyOnceAsync()
    {
        lock (_lock)
        {
            if (_applying is null || _applying.IsFaulted || _applying.IsCanceled)
            {
                _applying = apply(CancellationToken.None);
            }

            return _applying;
        }
    }
}
