using System.Collections.Concurrent;

namespace CacheCluster.Tests.Fixtures;

/// <summary>An invalidation listener that records what it hears, can be told to fail, and lets a test await a count.</summary>
internal sealed class RecordingListener : IInvalidationListener
{
    private readonly Lock _lock = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waits = [];

    public ConcurrentQueue<InvalidationNotice> Notices { get; } = new();

    public ConcurrentQueue<InvalidationFlushReason> Flushes { get; } = new();

    /// <summary>Gets or sets a predicate: a notice it accepts makes the listener throw.</summary>
    public Func<InvalidationNotice, bool> FailOn { get; set; } = static _ => false;

    public int Failures;

    public ValueTask OnInvalidatedAsync(InvalidationNotice notice)
    {
        if (FailOn(notice))
        {
            Interlocked.Increment(ref Failures);
            Check();
            throw new InvalidOperationException($"listener refuses {notice.Partition}:{notice.Sequence}");
        }

        Notices.Enqueue(notice);
        Check();
        return ValueTask.CompletedTask;
    }

    public ValueTask OnFlushAsync(InvalidationFlushReason reason)
    {
        Flushes.Enqueue(reason);
        Check();
        return ValueTask.CompletedTask;
    }

    /// <summary>Completes once <paramref name="condition"/> holds (checked after every notice, failure and flush).</summary>
    public Task WaitUntil(Func<bool> condition, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waits.Add((condition, done));
        }

        Check();
        return done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>Completes once a notice for <paramref name="eventId"/> has been received.</summary>
    public Task WaitForEvent(string eventId) => WaitUntil(() => Notices.Any(n => n.EventId == eventId));

    private void Check()
    {
        lock (_lock)
        {
            for (var i = _waits.Count - 1; i >= 0; i--)
            {
                if (_waits[i].Condition())
                {
                    _waits[i].Done.TrySetResult();
                    _waits.RemoveAt(i);
                }
            }
        }
    }
}
