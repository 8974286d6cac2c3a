namespace CacheCluster.Eviction;

/// <summary>
/// Wakes the eviction monitor's thread: on its timer, at once when an entry limit is passed, and every
/// <see cref="SampleEvery"/> new entries so that memory is sampled while a flood of writes comes in. The wake-ups set
/// an event on the caller's thread, so they reach the monitor even when the thread pool is saturated.
/// </summary>
internal sealed class EvictionTrigger : IDisposable
{
    public const int SampleEvery = 1024;

    private readonly ManualResetEventSlim _signal = new(initialState: false);
    private int _added;

    /// <summary>Gets or sets how many activations wake the monitor on every new one.</summary>
    public int ActivationLimit { get; set; } = int.MaxValue;

    /// <summary>Gets or sets how many stored records wake the monitor on every new one.</summary>
    public int RecordLimit { get; set; } = int.MaxValue;

    /// <summary>Gets or sets a value indicating whether new entries wake the monitor every <see cref="SampleEvery"/>.</summary>
    public bool SampleOnGrowth { get; set; }

    public void OnActivationAdded(int count) => OnAdded(count > ActivationLimit);

    public void OnRecordAdded(int count) => OnAdded(count > RecordLimit);

    /// <summary>Blocks until the next wake-up (or cancellation); the monitor's own thread calls it.</summary>
    public void Wait(CancellationToken cancellationToken) => _signal.Wait(cancellationToken);

    /// <summary>Re-arms the trigger; the monitor calls it before each pass.</summary>
    public void Reset() => _signal.Reset();

    public void Wake() => _signal.Set();

    public void Dispose() => _signal.Dispose();

    private void OnAdded(bool overLimit)
    {
        if (overLimit || (SampleOnGrowth && Interlocked.Increment(ref _added) % SampleEvery == 0))
        {
            Wake();
        }
    }
}
