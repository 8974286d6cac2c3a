using System.Collections.Concurrent;
using CacheCluster.Expiry;
using CacheCluster.RateLimiting.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace CacheCluster.Storage;

/// <summary>Limiter checkpoints in memory (embedded mode), dropped once expired.</summary>
internal sealed class MemoryRateLimitStore([FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock) : IRateLimitStore, IExpirySweep
{
    private readonly ConcurrentDictionary<string, (byte[] State, DateTimeOffset ExpiresAt)> _checkpoints = new(StringComparer.Ordinal);

    public bool IsAvailable => true;

    public Task<byte[]?> ReadAsync(string limiterKey) =>
        Task.FromResult(_checkpoints.TryGetValue(limiterKey, out var checkpoint) && checkpoint.ExpiresAt > clock.GetUtcNow() ? checkpoint.State : null);

    public Task WriteAsync(string limiterKey, byte[] state, TimeSpan timeToLive)
    {
        if (timeToLive <= TimeSpan.Zero)
        {
            _checkpoints.TryRemove(limiterKey, out _);
        }
        else
        {
            _checkpoints[limiterKey] = (state, clock.GetUtcNow() + timeToLive);
        }

        return Task.CompletedTask;
    }

    public Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var (key, checkpoint) in _checkpoints)
        {
            if (checkpoint.ExpiresAt <= now)
            {
                _checkpoints.TryRemove(new KeyValuePair<string, (byte[], DateTimeOffset)>(key, checkpoint));
            }
        }

        return Task.CompletedTask;
    }
}
