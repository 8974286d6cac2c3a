using System.Collections.Concurrent;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CacheCluster.RateLimiting;

/// <summary>The <see cref="IClusterRateLimiter"/> over the rate-limiter grains.</summary>
internal sealed partial class ClusterRateLimiter(
    IClusterClient client,
    IOptions<CacheClusterClientOptions> options,
    ILogger<ClusterRateLimiter>? logger = null,
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider? clock = null,
    ClusterConnectionMonitor? monitor = null) : IClusterRateLimiter
{
    private readonly RateLimitBatcher _batcher = new(client, clock ?? TimeProvider.System);

    // Each policy's failure mode, learnt from the cluster's answers, for when the cluster cannot answer.
    private readonly ConcurrentDictionary<string, RateLimitFailureMode> _failureModes = new(StringComparer.Ordinal);
    private readonly ILogger _logger = logger ?? NullLogger<ClusterRateLimiter>.Instance;

    public async Task<RateLimitDecision> AcquireAsync(string policy, string identifier, int permits = 1, CancellationToken cancellationToken = default)
    {
        var key = RateLimiterKey.For(policy, identifier);
        if (permits < 0)
        {
            throw new InvalidRateLimitRequestException($"Permits must not be negative (was {permits}); nothing was counted.");
        }

        try
        {
            // Not connected: nothing is sent, and the policy's failure mode decides at once.
            monitor?.ThrowIfNotConnected(key, ClusterOperation.RateLimit);
            // Concurrent decisions for one limiter travel together (one call); each is still made by that limiter grain.
            var decision = await _batcher.AcquireAsync(key, permits).WaitAsync(cancellationToken).ConfigureAwait(false);
            if (!_failureModes.TryGetValue(policy, out var learnt) || learnt != decision.FailureMode)
            {
                _failureModes[policy] = decision.FailureMode;
            }

            return decision;
        }
        catch (Exception ex) when (ex is CacheClusterUnavailableException || ClusterErrors.IsUnavailable(ex))
        {
            var mode = _failureModes.TryGetValue(policy, out var known) ? known : options.Value.RateLimitFailureMode;
            LogWarningDegraded(ex, policy, mode);
            return new RateLimitDecision { Allowed = mode == RateLimitFailureMode.Open, FailureMode = mode, Degraded = true };
        }
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "The cluster could not decide for rate-limit policy {Policy}; failing {FailureMode}.")]
    private partial void LogWarningDegraded(Exception exception, string policy, RateLimitFailureMode failureMode);
}
