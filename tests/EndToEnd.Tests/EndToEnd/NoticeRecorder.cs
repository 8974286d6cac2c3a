using System.Collections.Concurrent;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>An invalidation listener that records what it hears and lets a test await one notice, armed before it triggers.</summary>
internal sealed class NoticeRecorder : IInvalidationListener
{
    private readonly ConcurrentDictionary<Func<InvalidationNotice, bool>, TaskCompletionSource<InvalidationNotice>> _waits = new();

    public ConcurrentQueue<InvalidationNotice> Notices { get; } = new();

    public ConcurrentQueue<InvalidationFlushReason> Flushes { get; } = new();

    /// <summary>Arms a wait for the first notice that <paramref name="match"/> accepts, from now on.</summary>
    public Task<InvalidationNotice> WaitFor(Func<InvalidationNotice, bool> match)
    {
        var done = new TaskCompletionSource<InvalidationNotice>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waits[match] = done;
        return done.Task;
    }

    public ValueTask OnInvalidatedAsync(InvalidationNotice notice)
    {
        Notices.Enqueue(notice);
        foreach (var (match, done) in _waits)
        {
            if (match(notice) && _waits.TryRemove(match, out _))
            {
                done.TrySetResult(notice);
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask OnFlushAsync(InvalidationFlushReason reason)
    {
        Flushes.Enqueue(reason);
        return ValueTask.CompletedTask;
    }
}
