using System.Diagnostics;
using CacheCluster.Diagnostics;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// Listens to the silos' internal events so a test can arm a wait ("10 callers parked on key k") before it triggers
/// the behaviour, then await it instead of sleeping.
/// </summary>
internal sealed class GrainEvents : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly List<IDisposable> _subscriptions = [];
    private readonly List<Waiter> _waiters = [];
    private readonly Lock _lock = new();

    private GrainEvents()
    {
    }

    public static GrainEvents Listen()
    {
        var events = new GrainEvents();
        events._subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(events));
        return events;
    }

    /// <summary>Arms a wait for <paramref name="count"/> events named <paramref name="name"/> on <paramref name="key"/>.</summary>
    public Task WaitFor(string name, string key, int count = 1)
    {
        var waiter = new Waiter(name, key, count);
        lock (_lock)
        {
            _waiters.Add(waiter);
        }

        return waiter.Completion.Task;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Dispose();
            }

            _subscriptions.Clear();
        }
    }

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == CacheClusterEvents.ListenerName)
        {
            lock (_lock)
            {
                _subscriptions.Add(listener.Subscribe(this));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Value is not CacheClusterEvent e)
        {
            return;
        }

        lock (_lock)
        {
            foreach (var waiter in _waiters)
            {
                if (waiter.Name == e.Name && waiter.Key == e.Key && --waiter.Remaining == 0)
                {
                    waiter.Completion.TrySetResult();
                }
            }
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted()
    {
    }

    void IObserver<DiagnosticListener>.OnError(Exception error)
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnCompleted()
    {
    }

    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error)
    {
    }

    private sealed class Waiter(string name, string key, int count)
    {
        public string Name { get; } = name;

        public string Key { get; } = key;

        public int Remaining { get; set; } = count;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
