namespace CacheCluster.Http.Cdn;

/// <summary>What became of a request offered to a <see cref="CdnPurgeQueue"/>.</summary>
internal enum CdnEnqueueOutcome
{
    /// <summary>Queued to be sent.</summary>
    Queued,

    /// <summary>Not queued: a pending purge-all covers it.</summary>
    Covered,

    /// <summary>The queue was full: it and everything pending became one purge-all.</summary>
    Overflowed,

    /// <summary>The queue was full: dropped, a gap.</summary>
    Dropped,
}
