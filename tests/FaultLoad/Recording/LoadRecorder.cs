using System.Collections.Concurrent;

namespace CacheCluster.FaultLoad.Recording;

/// <summary>Collects what the workers see, from many threads at once, and turns it into a <see cref="LoadReport"/>.</summary>
internal sealed class LoadRecorder(string client, string policy, int maxErrors, TimeProvider clock)
{
    private const long BucketMs = 250;

    private readonly ConcurrentDictionary<string, KeyState> _writes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, GetOrSetState> _getOrSet = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LimiterState> _limiters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Operation, long Bucket), Counter> _timeline = new();
    private readonly ConcurrentDictionary<string, Counter> _operations = new(StringComparer.Ordinal);
    private readonly List<OperationError> _errors = [];
    private long _errorsNotListed;
    private long _readsBehind;
    private long _acknowledged;
    private long _failed;
    private long _limited;
    private long _startedAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds();

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Gets the rate-limit requests the cluster refused (not counting degraded answers).</summary>
    public long Limited => Interlocked.Read(ref _limited);

    public long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public void Started() => _startedAtMs = NowMs;

    public void Succeeded(string operation, long startedAtMs)
    {
        _operations.GetOrAdd(operation, _ => new Counter()).AddOk();
        _timeline.GetOrAdd((operation, startedAtMs / BucketMs), _ => new Counter()).AddOk();
    }

    public void Failure(string operation, string? key, long startedAtMs, Exception exception) =>
        Failure(operation, key, startedAtMs, exception.GetType().Name, exception.InnerException?.GetType().Name, exception.Message);

    public void Failure(string operation, string? key, long startedAtMs, string type, string? inner, string message)
    {
        Interlocked.Increment(ref _failed);
        _operations.GetOrAdd(operation, _ => new Counter()).AddFailed();
        _timeline.GetOrAdd((operation, startedAtMs / BucketMs), _ => new Counter()).AddFailed();
        var error = new OperationError(startedAtMs, NowMs, operation, type, inner, FirstLine(message), key);
        lock (_errors)
        {
            if (_errors.Count < maxErrors)
            {
                _errors.Add(error);
                return;
            }
        }

        Interlocked.Increment(ref _errorsNotListed);
    }

    /// <summary>The cluster acknowledged <paramref name="value"/> for <paramref name="key"/>.</summary>
    public void Acknowledge(string key, long value)
    {
        Interlocked.Increment(ref _acknowledged);
        var state = _writes.GetOrAdd(key, _ => new KeyState());
        lock (state)
        {
            state.Acknowledged++;
            if (value > state.LastAcknowledged)
            {
                state.LastAcknowledged = value;
                state.LastAcknowledgedAtMs = NowMs;
            }
        }
    }

    /// <summary>The write of <paramref name="value"/> failed: it may or may not have been applied.</summary>
    public void Unknown(string key, long value)
    {
        var state = _writes.GetOrAdd(key, _ => new KeyState());
        lock (state)
        {
            state.Unknown.Add(value);
        }
    }

    public long LastAcknowledged(string key)
    {
        if (!_writes.TryGetValue(key, out var state))
        {
            return 0;
        }

        lock (state)
        {
            return state.LastAcknowledged;
        }
    }

    public void ReadBehind() => Interlocked.Increment(ref _readsBehind);

    public void FactoryRan(string key) => Interlocked.Increment(ref _getOrSet.GetOrAdd(key, _ => new GetOrSetState()).FactoryRuns);

    public void GetOrSetCompleted(string key) => Interlocked.Increment(ref _getOrSet.GetOrAdd(key, _ => new GetOrSetState()).Completed);

    public void GetOrSetFailed(string key) => Interlocked.Increment(ref _getOrSet.GetOrAdd(key, _ => new GetOrSetState()).Failed);

    public void Admitted(string identifier, RateLimitDecision decision)
    {
        var state = _limiters.GetOrAdd(identifier, _ => new LimiterState());
        var now = NowMs;
        lock (state)
        {
            state.Admitted.Add(new Admission(now, now + (long)decision.ResetAfter.TotalMilliseconds, decision.Remaining));
        }
    }

    public void Refused(string identifier)
    {
        Interlocked.Increment(ref _limited);
        Interlocked.Increment(ref _limiters.GetOrAdd(identifier, _ => new LimiterState()).Limited);
    }

    public void Degraded(string identifier) => Interlocked.Increment(ref _limiters.GetOrAdd(identifier, _ => new LimiterState()).Degraded);

    public LoadReport Report()
    {
        List<OperationError> errors;
        lock (_errors)
        {
            errors = [.. _errors.OrderBy(e => e.AtMs)];
        }

        return new LoadReport
        {
            Client = client,
            StartedAtMs = _startedAtMs,
            StoppedAtMs = NowMs,
            Operations = LoadOperations.All.ToDictionary(
                op => op,
                op => _operations.TryGetValue(op, out var c) ? new OperationCounts(c.Ok, c.FailedCount) : new OperationCounts(0, 0),
                StringComparer.Ordinal),
            Writes = [.. _writes.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w =>
            {
                lock (w.Value)
                {
                    return new KeyWrites(w.Key, w.Value.LastAcknowledged, w.Value.LastAcknowledgedAtMs, w.Value.Acknowledged, [.. w.Value.Unknown]);
                }
            })],
            ReadsBehindAcknowledged = Interlocked.Read(ref _readsBehind),
            GetOrSet = [.. _getOrSet.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new GetOrSetKey(g.Key, g.Value.FactoryRuns, g.Value.Completed, g.Value.Failed))],
            RateLimit = new RateLimitRecord(policy, [.. _limiters.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l =>
            {
                lock (l.Value)
                {
                    return new LimiterRecord(l.Key, [.. l.Value.Admitted.OrderBy(a => a.AtMs)], l.Value.Limited, l.Value.Degraded);
                }
            })]),
            Errors = errors,
            ErrorsNotListed = Interlocked.Read(ref _errorsNotListed),
            Timeline = [.. _timeline.OrderBy(t => t.Key.Bucket).ThenBy(t => t.Key.Operation, StringComparer.Ordinal)
                .Select(t => new TimelineBucket(t.Key.Bucket * BucketMs, t.Key.Operation, t.Value.Ok, t.Value.FailedCount))],
        };
    }

    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        var line = end < 0 ? message : message[..end];
        return line.Length > 300 ? line[..300] : line;
    }

    private sealed class KeyState
    {
        public long LastAcknowledged;
        public long LastAcknowledgedAtMs;
        public long Acknowledged;
        public readonly List<long> Unknown = [];
    }

    private sealed class GetOrSetState
    {
        public long FactoryRuns;
        public long Completed;
        public long Failed;
    }

    private sealed class LimiterState
    {
        public readonly List<Admission> Admitted = [];
        public long Limited;
        public long Degraded;
    }

    private sealed class Counter
    {
        private long _ok;
        private long _failed;

        public long Ok => Interlocked.Read(ref _ok);

        public long FailedCount => Interlocked.Read(ref _failed);

        public void AddOk() => Interlocked.Increment(ref _ok);

        public void AddFailed() => Interlocked.Increment(ref _failed);
    }
}
