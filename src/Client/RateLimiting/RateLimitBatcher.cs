using CacheCluster.Internal;

namespace CacheCluster.RateLimiting;

/// <summary>
/// Sends concurrent decisions of this client together: a decision asked while <see cref="MaxInFlight"/> batches are
/// already on their way waits for the next one (no timer: an idle client sends at once, alone), and a batch carries at
/// most <see cref="IRateLimitBatchGrain.MaxDecisions"/>. Each decision is still made by its own limiter grain; batching
/// only saves messages.
/// </summary>
internal sealed class RateLimitBatcher(IClusterClient client, TimeProvider clock)
{
    /// <summary>How many batches may be on their way at once; more decisions queue for the next one.</summary>
    internal const int MaxInFlight = 4;

    private readonly Lock _lock = new();
    private List<Request> _queue = [];
    private int _inFlight;

    /// <summary>Asks the limiter <paramref name="key"/> for <paramref name="permits"/>; faults as the call would.</summary>
    public Task<RateLimitDecision> AcquireAsync(string key, int permits)
    {
        var request = new Request(key, permits, new TaskCompletionSource<RateLimitDecision>(TaskCreationOptions.RunContinuationsAsynchronously));
        List<Request>? send = null;
        int lane;
        lock (_lock)
        {
            _queue.Add(request);
            lane = _inFlight;
            if (_inFlight < MaxInFlight)
            {
                _inFlight++;
                send = TakeLocked();
            }
        }

        if (send is not null)
        {
            _ = RunLaneAsync(send, lane);
        }

        return request.Completion.Task;
    }

    private List<Request> TakeLocked()
    {
        if (_queue.Count <= IRateLimitBatchGrain.MaxDecisions)
        {
            var all = _queue;
            _queue = [];
            return all;
        }

        var first = _queue.GetRange(0, IRateLimitBatchGrain.MaxDecisions);
        _queue.RemoveRange(0, IRateLimitBatchGrain.MaxDecisions);
        return first;
    }

    /// <summary>Sends batches until nothing is queued. Never faults: each request gets its answer or its error.</summary>
    private async Task RunLaneAsync(List<Request> batch, int lane)
    {
        while (true)
        {
            await SendAsync(batch, lane).ConfigureAwait(false);
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _inFlight--;
                    return;
                }

                batch = TakeLocked();
            }
        }
    }

    private async Task SendAsync(List<Request> batch, int lane)
    {
        var keys = new string[batch.Count];
        var permits = new int[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            keys[i] = batch[i].Key;
            permits[i] = batch[i].Permits;
        }

        RateLimitBatchAnswer answer;
        try
        {
            // The lane picks the batch grain's key, so lanes may use different gateways.
            var grain = client.GetGrain<IRateLimitBatchGrain>(lane);

            // A refused batch reached no limiter, so sending it again cannot count anything twice.
            answer = await RejectedCalls.RetryAsync(() => grain.AcquireManyAsync(keys, permits), clock, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            foreach (var request in batch)
            {
                request.Completion.TrySetException(ex);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            switch (answer.Errors?[i])
            {
                case null:
                    request.Completion.TrySetResult(answer.Decisions[i]);
                    break;
                case OrleansMessageRejectionException:
                    // This limiter's call was refused (its silo is stopping): it counted nothing; send it again alone.
                    _ = RetryAloneAsync(request);
                    break;
                case var error:
                    request.Completion.TrySetException(error);
                    break;
            }
        }
    }

    private async Task RetryAloneAsync(Request request)
    {
        try
        {
            var limiter = client.GetGrain<IRateLimiterGrain>(request.Key);
            request.Completion.TrySetResult(await RejectedCalls.RetryAfterRejectionAsync(() => limiter.AcquireAsync(request.Permits), clock, CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            request.Completion.TrySetException(ex);
        }
    }

    private sealed record Request(string Key, int Permits, TaskCompletionSource<RateLimitDecision> Completion);
}
