namespace CacheCluster.Tests.Caching;

/// <summary>A counted value source for HybridCache tests, optionally held at a gate.</summary>
internal sealed class CountingFactory(Func<int, string> produce)
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _runs;

    public bool Gated { get; init; }

    public int Runs => Volatile.Read(ref _runs);

    public Task Started => _started.Task;

    public void Open() => _gate.TrySetResult();

    public async ValueTask<string> RunAsync(CancellationToken cancellationToken)
    {
        var run = Interlocked.Increment(ref _runs);
        _started.TrySetResult();
        if (Gated)
        {
            await _gate.Task;
        }

        return produce(run);
    }
}
