namespace CacheCluster.RateLimiting.Internal;

/// <summary>
/// One batch of decisions on the silo: each limiter's requests, grouped and kept in the order asked, go to that
/// limiter in one call; every request gets its decision or its own error. Runs inside one grain activation, so its
/// continuations never overlap.
/// </summary>
internal sealed class RateLimitBatch(IGrainFactory grains, string[] keys, int[] permits)
{
    public RateLimitDecision[] Decisions { get; } = new RateLimitDecision[keys.Length];

    public Exception?[]? Errors { get; private set; }

    /// <summary>Decides every request; never faults (a request's failure is its error).</summary>
    public Task RunAsync()
    {
        // Each key's first index, and for each index the next one with the same key (-1: none).
        var heads = new Dictionary<string, int>(keys.Length, StringComparer.Ordinal);
        var next = new int[keys.Length];
        var tails = new int[keys.Length];
        var counts = new int[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            next[i] = -1;
            ArgumentNullException.ThrowIfNull(keys[i], nameof(keys));
            if (heads.TryGetValue(keys[i], out var head))
            {
                next[tails[head]] = i;
                tails[head] = i;
                counts[head]++;
            }
            else
            {
                heads.Add(keys[i], i);
                tails[i] = i;
                counts[i] = 1;
            }
        }

        var calls = new Task[heads.Count];
        var c = 0;
        foreach (var head in heads.Values)
        {
            calls[c++] = counts[head] == 1 ? DecideOneAsync(head) : DecideGroupAsync(head, counts[head], next);
        }

        return Task.WhenAll(calls);
    }

    private async Task DecideOneAsync(int index)
    {
        try
        {
            Decisions[index] = await grains.GetGrain<IRateLimiterGrain>(keys[index]).AcquireAsync(permits[index]);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail(index, ex);
        }
    }

    private async Task DecideGroupAsync(int head, int count, int[] next)
    {
        var indices = new int[count];
        var asked = new int[count];
        for (int i = head, n = 0; i >= 0; i = next[i], n++)
        {
            indices[n] = i;
            asked[n] = permits[i];
        }

        try
        {
            var decisions = await grains.GetGrain<IRateLimiterGrain>(keys[head]).AcquireManyAsync(asked);
            for (var n = 0; n < count; n++)
            {
                Decisions[indices[n]] = decisions[n];
            }
        }
        catch (InvalidRateLimitRequestException)
        {
            // The limiter counted none of them (one was out of range): ask one at a time, in order, so that only the
            // bad ones fail.
            foreach (var index in indices)
            {
                await DecideOneAsync(index);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            foreach (var index in indices)
            {
                Fail(index, ex);
            }
        }
    }

    private void Fail(int index, Exception error) => (Errors ??= new Exception?[keys.Length])[index] = error;
}
