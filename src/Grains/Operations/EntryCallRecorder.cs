using CacheCluster.Entries;

namespace CacheCluster.Operations;

/// <summary>
/// Watches every call to an entry grain on this silo: counts it for the operation rate and the hot-key sketch, and
/// logs it in the slow log when it took at least the threshold. Other grains' calls pass straight through.
/// </summary>
/// <remarks>
/// A call that completes at once (a read of the record in memory) costs no state machine here: only a call still
/// running when <c>Invoke</c> returns (a write waiting for the store) is awaited.
/// </remarks>
internal sealed class EntryCallRecorder(SiloOperations operations) : IIncomingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        context.Grain is CacheEntryGrain ? InvokeEntry(context) : context.Invoke();

    private Task InvokeEntry(IIncomingGrainCallContext context)
    {
        operations.Rate.Record();
        operations.HotKeys?.Record(context.TargetId.Key.AsSpan());
        if (operations.SlowLog is not { } slowLog)
        {
            return context.Invoke();
        }

        var started = operations.Clock.GetTimestamp();
        Task call;
        try
        {
            call = context.Invoke();
        }
        catch
        {
            Observe(context, slowLog, started);
            throw;
        }

        if (call.IsCompleted)
        {
            Observe(context, slowLog, started);
            return call;
        }

        return AwaitAsync(call, context, slowLog, started);
    }

    private async Task AwaitAsync(Task call, IIncomingGrainCallContext context, SlowLog slowLog, long started)
    {
        try
        {
            await call;
        }
        finally
        {
            Observe(context, slowLog, started);
        }
    }

    private void Observe(IIncomingGrainCallContext context, SlowLog slowLog, long started)
    {
        var elapsed = operations.Clock.GetElapsedTime(started);
        if (elapsed >= slowLog.Threshold)
        {
            slowLog.Record(context.MethodName, context.TargetId.Key.ToString()!, elapsed, SlowPhases.Grain);
        }
    }
}
