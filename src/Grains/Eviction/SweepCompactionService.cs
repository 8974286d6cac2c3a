using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Eviction;

/// <summary>
/// Samples the active entry count every <see cref="SampleInterval"/> and, when <see cref="SweepCompaction"/> says a
/// large sweep just ended, starts one full background collection, so that the freed memory goes back to the OS. Runs on every silo,
/// bounded or not.
/// </summary>
internal sealed partial class SweepCompactionService(
    ActiveEntryTable activations,
    IProcessMemory memory,
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
    ILogger<SweepCompactionService> logger) : BackgroundService
{
    /// <summary>How often the active entry count is sampled.</summary>
    public static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(5);

    private readonly SweepCompaction _policy = new();

    /// <summary>Samples once and compacts if due; returns whether it compacted. The loop calls it, tests too.</summary>
    public bool Check()
    {
        var active = activations.Count;
        if (!_policy.Sample(active, clock.GetUtcNow()))
        {
            return false;
        }

        LogInformationCollecting(active, memory.ResidentBytes() / (1024 * 1024), memory.ManagedHeapBytes() / (1024 * 1024));
        memory.CollectInBackground();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SampleInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    Check();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogErrorCompactionFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "A collection sweep ended with {Active} entries active (resident {ResidentMiB} MiB, heap {HeapMiB} MiB): full background collection started.")]
    private partial void LogInformationCollecting(int active, long residentMiB, long heapMiB);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Error, Message = "A compaction after a collection sweep failed; it is tried again at the next sample.")]
    private partial void LogErrorCompactionFailed(Exception exception);
}
