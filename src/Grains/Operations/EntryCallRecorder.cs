using CacheCluster.Entries;

namespace CacheCluster.Operations;

/// <summary>
/// Watches every call to an entry grain on this silo: counts it for the operation rate and the hot-key sketch, and
/// logs it in the slow log when it took at least the threshold. Other grains' calls pass straight through.
/// </summary>
internal sealed class EntryCallRecorder(SiloOperations operations) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        context.Grain is CacheEntryGrain ? InvokeEntryAsync(context) : context.Invoke();

    private async Task InvokeEntryAsync(IIncomingGrainCallContext context)
    {
        operations.Rate.Record();
        operations.HotKeys?.Record(context.TargetId.Key.AsSpan());
        if (operations.SlowLog is not { } slowLog)
        {
            await context.Invoke();
            return;
        }

        var started = operations.Clock.GetTimestamp();
        try
        {
            await context.Invoke();
        }
        finally
        {
            var elapsed = operations.Clock.GetElapsedTime(started);
            if (elapsed >= slowLog.Threshold)
            {
                slowLog.Record(context.MethodName, context.TargetId.Key.ToString()!, elapsed, SlowPhases.Grain);
            }
        }
    }
}
