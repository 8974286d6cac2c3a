using CacheCluster.Internal;

namespace CacheCluster.RateLimiting;

/// <summary>
/// Coalesces this client's concurrent decisions for the same limiter: while one call to a limiter is on its way, later
/// decisions for it wait, and go together in the next call (<see cref="IRateLimiterGrain.AcquireManyAsync"/>, decided
/// in one turn, in the order asked). A decision for a limiter with no call on its way goes at once, alone, so
/// decisions for different limiters never wait for each other and nothing waits on a timer.
/// </summary>
internal sealed class RateLimitBatcher(IClusterClient client, TimeProvider clock)
{
    /// <summary>The most decisions one call carries; more wait for the next.</summary>
    internal const int MaxPerCall = 256;

    private readonly Lock _lock = new();

    // Limiters with a call on its way, each with the decisions waiting for the next call (null: none).
    private readonly Dictionary<string, List<Request>?> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Asks the limiter <paramref name="key"/> for <paramref name="permits"/>; faults as the call would.</summary>
    public Task<RateLimitDecision> AcquireAsync(string key, int permits)
    {
        var request = new Request(permits, new TaskCompletionSource<RateLimitDecision>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_lock)
        {
            if (_inFlight.TryGetValue(key, out var waiting))
            {
                if (waiting is null)
                {
                    _inFlight[key] = waiting = [];
                }

                waiting.Add(request);
                return request.Completion.Task;
            }

            _inFlight.Add(key, null);
        }

        _ = RunAsync(key, [request]);
        return request.Completion.Task;
    }

    /// <summary>Calls the limiter until no decision waits for it. Never faults: each request gets its answer or its error.</summary>
    private async Task RunAsync(string key, List<Request> requests)
    {
        var limiter = client.GetGrain<IRateLimiterGrain>(key);
        while (true)
        {
            await DecideAsync(limiter, requests).ConfigureAwait(false);
            lock (_lock)
            {
                var waiting = _inFlight[key];
                if (waiting is null)
                {
                    _inFlight.Remove(key);
                    return;
                }

                if (waiting.Count <= MaxPerCall)
                {
                    _inFlight[key] = null;
                    requests = waiting;
                }
                else
                {
                    requests = waiting.GetRange(0, MaxPerCall);
                    waiting.RemoveRange(0, MaxPerCall);
                }
            }
        }
    }

    private async Task DecideAsync(IRateLimiterGrain limiter, List<Request> requests)
    {
        if (requests.Count == 1)
        {
            await DecideOneAsync(limiter, requests[0]).ConfigureAwait(false);
            return;
        }

        var permits = new int[requests.Count];
        for (var i = 0; i < permits.Length; i++)
        {
            permits[i] = requests[i].Permits;
        }

        try
        {
            // A refused call reached no limiter, so sending it again cannot count anything twice.
            var decisions = await RejectedCalls.RetryAsync(() => limiter.AcquireManyAsync(permits), clock, CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < decisions.Length; i++)
            {
                requests[i].Completion.TrySetResult(decisions[i]);
            }
        }
        catch (InvalidRateLimitRequestException)
        {
            // The limiter counted none of them (one asked for more than the limit): one at a time, in order, so that
            // only the bad ones fail.
            foreach (var request in requests)
            {
                await DecideOneAsync(limiter, request).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            foreach (var request in requests)
            {
                request.Completion.TrySetException(ex);
            }
        }
    }

    private async Task DecideOneAsync(IRateLimiterGrain limiter, Request request)
    {
        try
        {
            request.Completion.TrySetResult(await RejectedCalls.RetryAsync(() => limiter.AcquireAsync(request.Permits), clock, CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            request.Completion.TrySetException(ex);
        }
    }

    private sealed record Request(int Permits, TaskCompletionSource<RateLimitDecision> Completion);
}
