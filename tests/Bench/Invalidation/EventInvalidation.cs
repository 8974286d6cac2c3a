using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Bench.Invalidation;

/// <summary>
/// S6's domain-event measurement, against a cluster whose silos have the rule <c>bench.tagged</c> → tag
/// <c>entity:{id}</c>: (a) publish → all N tagged entries invalidated and → the subscriber notified, and (b) publish →
/// subscriber notified for an event touching one key.
/// </summary>
internal static class EventInvalidation
{
    /// <summary>Runs the measurement on a started client host; the samples come back sorted.</summary>
    internal static async Task<InvalidationFigures> MeasureAsync(IServiceProvider services, int entries, int runs, CancellationToken cancellationToken)
    {
        var cache = services.GetRequiredService<IClusterCache>();
        var client = services.GetRequiredService<IClusterClient>();
        var clock = TimeProvider.System;
        var listener = new Listener();
        await using var subscription = await cache.SubscribeAsync(listener, cancellationToken);
        var applied = new List<double>();
        var notified = new List<double>();
        var single = new List<double>();

        for (var run = 0; run <= runs; run++)
        {
            var id = Guid.NewGuid().ToString("N")[..12];
            var options = new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(10), Tags = [$"entity:{id}"] };
            for (var start = 0; start < entries; start += 500)
            {
                await Task.WhenAll(Enumerable.Range(start, Math.Min(500, entries - start)).Select(i => cache.SetAsync($"bench:{id}:{i}", "v", options, cancellationToken: cancellationToken)));
            }

            var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), "bench.tagged", clock.GetUtcNow(), JsonSerializer.Serialize(new { id }));
            var heard = listener.Expect(domainEvent.Id);
            var started = clock.GetTimestamp();
            var receipt = await cache.PublishAsync(domainEvent, cancellationToken);
            await client.GetGrain<IInvalidationStreamGrain>(receipt.Partition).WaitForAppliedAsync(receipt.Sequence);
            var appliedMs = clock.GetElapsedTime(started).TotalMilliseconds;
            var notice = await heard.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            var notifiedMs = clock.GetElapsedTime(started).TotalMilliseconds;
            if (notice.Invalidated != entries || await cache.ExistsAsync($"bench:{id}:{entries - 1}", cancellationToken))
            {
                throw new InvalidOperationException($"run {run}: the event invalidated {notice.Invalidated} of {entries} entries");
            }

            // The first run warms up.
            if (run > 0)
            {
                applied.Add(appliedMs);
                notified.Add(notifiedMs);
            }
        }

        for (var run = 0; run <= runs * 10; run++)
        {
            var id = Guid.NewGuid().ToString("N")[..12];
            await cache.SetAsync($"bench:{id}:0", "v", new CacheEntryOptions { Tags = [$"entity:{id}"] }, cancellationToken: cancellationToken);
            var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), "bench.tagged", clock.GetUtcNow(), JsonSerializer.Serialize(new { id }));
            var heard = listener.Expect(domainEvent.Id);
            var started = clock.GetTimestamp();
            await cache.PublishAsync(domainEvent, cancellationToken);
            await heard.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            if (run > 0)
            {
                single.Add(clock.GetElapsedTime(started).TotalMilliseconds);
            }
        }

        applied.Sort();
        notified.Sort();
        single.Sort();
        return new InvalidationFigures(applied, notified, single);
    }

    private sealed class Listener : IInvalidationListener
    {
        private readonly Dictionary<string, TaskCompletionSource<InvalidationNotice>> _expected = [];
        private readonly Lock _lock = new();

        public Task<InvalidationNotice> Expect(string eventId)
        {
            var done = new TaskCompletionSource<InvalidationNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                _expected[eventId] = done;
            }

            return done.Task;
        }

        public ValueTask OnInvalidatedAsync(InvalidationNotice notice)
        {
            lock (_lock)
            {
                if (_expected.Remove(notice.EventId, out var done))
                {
                    done.TrySetResult(notice);
                }
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask OnFlushAsync(InvalidationFlushReason reason) => ValueTask.CompletedTask;
    }
}
