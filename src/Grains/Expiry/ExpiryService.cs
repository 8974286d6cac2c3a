using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Expiry;

/// <summary>The silo's single housekeeping loop: runs every <see cref="IExpirySweep"/> on the cache clock.</summary>
internal sealed partial class ExpiryService(
    IEnumerable<IExpirySweep> sweeps,
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
    IOptions<ExpiryOptions> options,
    ILogger<ExpiryService> logger) : BackgroundService
{
    private readonly IExpirySweep[] _sweeps = [.. sweeps];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpirySweepInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = clock.GetUtcNow();
                foreach (var sweep in _sweeps)
                {
                    try
                    {
                        await sweep.SweepAsync(now, stoppingToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogErrorSweepFailed(ex, sweep.GetType().Name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Error, Message = "Expiry sweep {Sweep} failed; it runs again next interval.")]
    private partial void LogErrorSweepFailed(Exception exception, string sweep);
}
