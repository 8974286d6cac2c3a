using System.ComponentModel;

namespace CacheCluster;

/// <summary>The answers to a batch of rate-limit decisions, in the order asked.</summary>
/// <param name="Decisions">Each decision; <see langword="default"/> where <paramref name="Errors"/> holds one.</param>
/// <param name="Errors">Each decision's own error, or <see langword="null"/> when none failed.</param>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[GenerateSerializer, Immutable, Alias("cachecluster.ratelimit-batch-answer")]
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record RateLimitBatchAnswer(
    [property: Id(0)] RateLimitDecision[] Decisions,
    [property: Id(1)] Exception?[]? Errors);
