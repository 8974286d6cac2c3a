namespace CacheCluster.Tests.Leases;

/// <summary>A value source for tests: counts its runs, can be held at a gate, and can fail.</summary>
internal sealed class Factory<T>(Func<int, T?> produce)
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _runs;

    public bool Gated { get; init; }

    public Exception? Failure { get; set; }

    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Completes when the first run has started.</summary>
    public Task Started => _started.Task;

    public CancellationToken LastToken { get; private set; }

    public void Open() => _gate.TrySetResult();

    public async Task<T?> RunAsync(CancellationToken cancellationToken)
    {
        var run = Interlocked.Increment(ref _runs);
        LastToken = cancellationToken;
        _started.TrySetResult();
        if (Gated)
        {
            await _gate.Task;
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        return produce(run);
    }
}
