namespace CacheCluster.Eviction;

/// <summary>
/// Wakes the eviction monitor between its ticks: at once when an entry limit is passed, and every
/// <see cref="SampleEvery"/> new entries so that memory is sampled while a flood of writes comes in.
/// </summary>
internal sealed class EvictionTrigger
{
    public const int SampleEvery = 1024;

    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _added;

    /// <summary>Gets or sets how many activations wake the monitor on every new one.</summary>
    public int ActivationLimit { get; set; } = int.MaxValue;

    /// <summary>Gets or sets how many stored records wake the monitor on every new one.</summary>
    public int RecordLimit { get; set; } = int.MaxValue;

    /// <summary>Gets or sets a value indicating whether new entries wake the monitor every <see cref="SampleEvery"/>.</summary>
    public bool SampleOnGrowth { get; set; }

    public void OnActivationAdded(int count) => OnAdded(count > ActivationLimit);

    public void OnRecordAdded(int count) => OnAdded(count > RecordLimit);

    /// <summary>Returns a task that completes at the next wake-up.</summary>
    public Task WaitAsync() => Volatile.Read(ref _signal).Task;

    /// <summary>Re-arms the trigger; the monitor calls it before each pass.</summary>
    public void Reset()
    {
        var signal = Volatile.Read(ref _signal);
        if (signal.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), signal);
        }
    }

    public void Wake() => Volatile.Read(ref _signal).TrySetResult();

    private void OnAdded(bool overLimit)
    {
        if (overLimit || (SampleOnGrowth && Interlocked.Increment(ref _added) % SampleEvery == 0))
        {
            Wake();
        }
    }
}
