using CacheCluster.RateLimiting.Internal;
using Orleans.Concurrency;

namespace CacheCluster.RateLimiting;

/// <summary>
/// Many decisions in one message. A stateless worker, so it runs on the silo that received the call (a client's
/// gateway) with no extra hop; reentrant, since it keeps no state. Each decision is still made by its limiter grain,
/// the only one for that policy and identifier: the batch saves the caller's messages, not the limiter's turn.
/// Decisions for the same limiter go to it in one call, which decides them in the order asked.
/// </summary>
[StatelessWorker]
[Reentrant]
internal sealed class RateLimitBatchGrain : Grain, IRateLimitBatchGrain
{
    public async Task<RateLimitBatchAnswer> AcquireManyAsync(string[] keys, int[] permits)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(permits);
        if (keys.Length != permits.Length || keys.Length > IRateLimitBatchGrain.MaxDecisions)
        {
            throw new InvalidRateLimitRequestException(
                $"A rate-limit batch takes one permit count per key and at most {IRateLimitBatchGrain.MaxDecisions} decisions (was {keys.Length} keys, {permits.Length} counts); nothing was counted.");
        }

        var batch = new RateLimitBatch(GrainFactory, keys, permits);
        await batch.RunAsync();
        return new RateLimitBatchAnswer(batch.Decisions, batch.Errors);
    }
}
