using CacheCluster.Hosting;
using CacheCluster.RateLimiting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.RateLimiting;

/// <summary>
/// One limiter: decides in memory, exactly, for the whole cluster, and checkpoints its state to the store at most
/// once per <see cref="CacheClusterOptions.RateLimitCheckpointInterval"/>. Losing the silo can therefore over-admit
/// at most what was admitted since the last checkpoint.
/// </summary>
internal sealed partial class RateLimiterGrain(
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
    IRateLimitStore store,
    IOptions<CacheClusterOptions> options,
    ILogger<RateLimiterGrain> logger) : Grain, IRateLimiterGrain
{
    private readonly CacheClusterOptions _options = options.Value;
    private RateLimitPolicyOptions? _policy;
    private Exception? _error;
    private string _key = string.Empty;
    private RateLimitState? _state;
    private bool _dirty;
    private DateTimeOffset _lastCheckpoint;
    private Task _checkpoint = Task.CompletedTask;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = this.GetPrimaryKeyString();
        var (policyName, identifier) = RateLimiterKey.Split(_key);
        try
        {
            RateLimiterKey.For(policyName, identifier);
            _policy = _options.RateLimits.TryGetValue(policyName, out var policy) ? policy : throw new UnknownRateLimitPolicyException(policyName);
        }
        catch (InvalidRateLimitRequestException ex)
        {
            _error = ex;
            return;
        }

        var now = clock.GetUtcNow();
        _lastCheckpoint = now;
        try
        {
            if (await store.ReadAsync(_key) is { } checkpoint)
            {
                _state = RateLimitState.Restore(_policy, now.UtcTicks, checkpoint);
            }
        }
        catch (CacheStorageException ex)
        {
            // Fail towards the documented bound: start counting afresh rather than refuse every request.
            LogWarningRestoreFailed(ex, CacheKey.Hash(_key));
        }

        _state ??= RateLimitState.Create(_policy, now.UtcTicks);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _checkpoint;
        if (_dirty)
        {
            await CheckpointAsync(clock.GetUtcNow());
        }
    }

    public async Task<RateLimitDecision> AcquireAsync(int permits)
    {
        if (_error is not null)
        {
            throw _error is UnknownRateLimitPolicyException unknown
                ? new UnknownRateLimitPolicyException(unknown.Policy)
                : new InvalidRateLimitRequestException(_error.Message);
        }

        var policy = _policy!;
        if (permits < 0 || permits > policy.MaxPermits)
        {
            throw new InvalidRateLimitRequestException(
                $"Permits must be between 0 and {policy.MaxPermits}, the most policy '{RateLimiterKey.Split(_key).Policy}' admits at once (was {permits}); nothing was counted.");
        }

        var now = clock.GetUtcNow();
        var outcome = _state!.Acquire(now.UtcTicks, permits);
        if (outcome.Allowed && permits > 0)
        {
            _dirty = true;
            if (_options.RateLimitCheckpointInterval == TimeSpan.Zero)
            {
                // Write-through: every admitted request is stored before it is answered.
                await _checkpoint;
                await CheckpointAsync(now);
            }
            else if (now - _lastCheckpoint >= _options.RateLimitCheckpointInterval && _checkpoint.IsCompleted)
            {
                _checkpoint = CheckpointAsync(now);
            }
        }

        return new RateLimitDecision
        {
            Allowed = outcome.Allowed || policy.ShadowMode,
            ShadowLimited = policy.ShadowMode && !outcome.Allowed,
            Limit = policy.MaxPermits,
            Remaining = outcome.Remaining,
            RetryAfter = TimeSpan.FromTicks(outcome.RetryAfterTicks),
            ResetAfter = TimeSpan.FromTicks(outcome.ResetAfterTicks),
            FailureMode = policy.FailureMode,
            WindowSeconds = (long)Math.Ceiling(policy.Span.TotalSeconds),
        };
    }

    private async Task CheckpointAsync(DateTimeOffset now)
    {
        _dirty = false;
        _lastCheckpoint = now;
        try
        {
            await store.WriteAsync(_key, _state!.Serialize(), TimeSpan.FromTicks(_state.RelevantForTicks(now.UtcTicks)));
        }
        catch (CacheStorageException ex)
        {
            _dirty = true;
            LogWarningCheckpointFailed(ex, CacheKey.Hash(_key));
        }
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Restoring limiter {KeyHash} from its checkpoint failed; it starts afresh.")]
    private partial void LogWarningRestoreFailed(Exception exception, string keyHash);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Checkpointing limiter {KeyHash} failed; it is retried after the next interval.")]
    private partial void LogWarningCheckpointFailed(Exception exception, string keyHash);
}
