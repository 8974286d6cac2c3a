using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CacheCluster.Internal;

/// <summary>
/// Retries connecting to the cluster, waiting <see cref="FirstDelay"/> after the first failure and twice as long after
/// each next one, up to <see cref="MaxDelay"/>: forever when <c>giveUpAfter</c> is <see langword="null"/> (the client
/// connects in the background), else until that long has passed since the first failure (a start that waits).
/// </summary>
internal sealed partial class ConnectRetryFilter(TimeSpan? giveUpAfter, TimeProvider clock, ILogger? logger = null) : IClientConnectionRetryFilter
{
    /// <summary>The wait after the first failed attempt.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest wait between two attempts: how late a client notices a cluster that has come up.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly Lock _lock = new();
    private long _firstFailure;
    private int _failures;

    /// <summary>Gets how many attempts have failed so far.</summary>
    public int Failures => Volatile.Read(ref _failures);

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        TimeSpan delay;
        lock (_lock)
        {
            if (_failures == 0)
            {
                _firstFailure = clock.GetTimestamp();
            }
            else if (giveUpAfter is { } limit && clock.GetElapsedTime(_firstFailure) >= limit)
            {
                return false;
            }

            delay = DelayAfter(++_failures);
        }

        if (_failures == 1)
        {
            LogWarningClusterUnreachable(exception.GetType().Name, ClusterFailure.FirstLine(exception.Message));
        }
        else
        {
            LogDebugAttemptFailed(_failures, exception.GetType().Name, ClusterFailure.FirstLine(exception.Message), delay);
        }

        await Task.Delay(delay, clock, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The wait after the <paramref name="failures"/>th failed attempt (from 1).</summary>
    internal static TimeSpan DelayAfter(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(failures);
        var doublings = Math.Min(failures - 1, 16);
        var delay = FirstDelay * (1L << doublings);
        return delay < MaxDelay ? delay : MaxDelay;
    }

    [LoggerMessage(40, LogLevel.Warning, "The cluster cannot be reached ({Error}: {Reason}); the client keeps trying to connect")]
    private partial void LogWarningClusterUnreachable(string error, string reason);

    [LoggerMessage(41, LogLevel.Debug, "Connection attempt {Attempt} failed ({Error}: {Reason}); next in {Delay}")]
    private partial void LogDebugAttemptFailed(int attempt, string error, string reason, TimeSpan delay);
}
