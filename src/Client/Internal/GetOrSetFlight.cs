using System.Runtime.CompilerServices;
using CacheCluster.Serialization;

namespace CacheCluster.Internal;

/// <summary>
/// One cluster lookup (and fill, when it gets the lease) that concurrent GetOrSet calls of one key, one type and one
/// options shape in this client share. The first caller's lookup runs it; the others join and wait for its answer.
/// It stops (its grain wait cancelled) only when every caller in it has left; a lease holder's computation goes on.
/// </summary>
/// <typeparam name="T">The value type every caller in the flight asked for.</typeparam>
internal sealed class GetOrSetFlight<T>(GetOrSetOptions options) : IDisposable
{
    private readonly TaskCompletionSource<T?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abandoned = new();
    private readonly Lock _gate = new();
    private int _callers = 1;
    private bool _cancelling;
    private bool _disposed;
    private CacheValue? _shared;
    private volatile bool _leaseHeld;
    private volatile CacheReadResult? _stale;

    /// <summary>Gets the options of every caller in the flight.</summary>
    public GetOrSetOptions Options { get; } = options;

    /// <summary>Gets the flight's answer: the first caller's value, or its failure.</summary>
    public Task<T?> Answer => _answer.Task;

    /// <summary>Gets a token cancelled when every caller has left before the answer came.</summary>
    public CancellationToken Abandoned => _abandoned.Token;

    /// <summary>Gets a value indicating whether the flight was granted the key's lease: its failure is the holder's.</summary>
    public bool LeaseHeld => _leaseHeld;

    /// <summary>Gets the stale value the lease was granted over, for a joined caller's fail-safe answer at its own timeout.</summary>
    public CacheReadResult? Stale => _stale;

    /// <summary>
    /// Whether a caller with <paramref name="options"/> may join: equal options, their entries' tags compared as
    /// sequences (each call may build its own list).
    /// </summary>
    public bool Fits(GetOrSetOptions options)
    {
        if (ReferenceEquals(Options, options) || Options.Equals(options))
        {
            return true;
        }

        if (Options.Entry is not { } mine || options.Entry is not { } theirs
            || !(Options with { Entry = null }).Equals(options with { Entry = null }))
        {
            return false;
        }

        return (mine.Tags ?? []).SequenceEqual(theirs.Tags ?? [], StringComparer.Ordinal)
            && (mine with { Tags = null }).Equals(theirs with { Tags = null });
    }

    /// <summary>Adds a caller, unless every caller has already left (the flight is being abandoned).</summary>
    public bool TryJoin()
    {
        lock (_gate)
        {
            if (_callers == 0)
            {
                return false;
            }

            _callers++;
            return true;
        }
    }

    /// <summary>Removes a caller; the last one to leave before the answer abandons the flight. Returns whether it did.</summary>
    public bool Leave()
    {
        lock (_gate)
        {
            if (--_callers > 0 || _answer.Task.IsCompleted || _disposed)
            {
                return false;
            }

            _cancelling = true;
        }

        _abandoned.Cancel();
        return true;
    }

    /// <summary>Disposes the abandon signal once the flight answered, unless the last caller's leaving is using it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_cancelling || _disposed)
            {
                return;
            }

            _disposed = true;
        }

        _abandoned.Dispose();
    }

    /// <summary>The flight was granted the lease (over <paramref name="stale"/>, if any): it computes the value.</summary>
    public void HoldsLease(CacheReadResult? stale)
    {
        _stale = stale;
        _leaseHeld = true;
    }

    public void Complete(T? value) => _answer.TrySetResult(value);

    public void Fail(Exception error)
    {
        _answer.TrySetException(error);

        // Observed here: every caller may have left.
        _ = _answer.Task.Exception;
    }

    /// <summary>
    /// The answer for a joined caller: immutable values (strings, values without references) are shared; any other
    /// value is serialized once per flight and deserialized per caller, so that no two callers hold one instance.
    /// </summary>
    public T? CopyFor(T? value, ICacheSerializer serializer)
    {
        if (value is null || typeof(T) == typeof(string) || !RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            return value;
        }

        var shared = Volatile.Read(ref _shared);
        if (shared is null)
        {
            shared = serializer.Serialize(value);
            shared = Interlocked.CompareExchange(ref _shared, shared, null) ?? shared;
        }

        return serializer.Deserialize<T>(shared);
    }
}
