namespace CacheCluster.Http.Cdn;

/// <summary>What became of a request offered to a <see cref="CdnPurgeQueue"/>.</summary>
/// <param name="Outcome">Queued, covered by a pending purge-all, overflowed into a purge-all, or dropped.</param>
/// <param name="Superseded">The requests a purge-all replaced (the offered one included when it overflowed): never sent, covered.</param>
internal sealed record CdnEnqueueResult(CdnEnqueueOutcome Outcome, IReadOnlyList<PurgeRequest> Superseded);
