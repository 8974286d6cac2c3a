using CacheCluster.Hosting;
using CacheCluster.RateLimiting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.RateLimiting;

/// <summary>
/// One limiter: decides in memory, exactly, for the whole cluster, and checkpoints its state to the store at most
/// once per <see cref="RateLimitingOptions.RateLimitCheckpointInterval"/>. Losing the silo can therefore over-admit
/// at most what was admitted since the last checkpoint. While the store is unreachable, the policy's
/// <see cref="RateLimitPolicyOptions.FailureMode"/> decides (see <c>Degraded</c>), and every answer says so.
/// </summary>
internal sealed partial class RateLimiterGrain(
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
    IRateLimitStore store,
    IOptions<RateLimitingOptions> options,
    CacheCluster.Diagnostics.CacheClusterMetrics metrics,
    ILogger<RateLimiterGrain> logger) : Grain, IRateLimiterGrain
{
    /// <summary>How long a refused caller waits while the store is unreachable and the policy fails closed.</summary>
    internal static readonly TimeSpan RetryAfterWhileDegraded = TimeSpan.FromSeconds(1);

    private readonly RateLimitingOptions _options = options.Value;
    private RateLimitPolicyOptions? _policy;
    private Exception? _error;
    private string _key = string.Empty;
    private string? _policyName;
    private RateLimitState? _state;
    private bool _dirty;
    private DateTimeOffset _lastCheckpoint;
    private Task _checkpoint = Task.CompletedTask;

    // The previous activation's checkpoint is still to be read (the store was unreachable at activation).
    private bool _restorePending;

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
        _state = RateLimitState.Create(_policy, now.UtcTicks);
        _restorePending = true;
        await TryRestoreAsync(now);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _checkpoint;
        if (_dirty && store.IsAvailable)
        {
            await CheckpointAsync(clock.GetUtcNow());
        }
    }

    public async Task<RateLimitDecision> AcquireAsync(int permits)
    {
        ThrowIfInvalid(permits);
        var decision = await DecideAsync(permits);
        metrics.RateLimitDecided(_policyName ??= RateLimiterKey.Split(_key).Policy, decision.Allowed && !decision.ShadowLimited);
        return decision;
    }

    public async Task<RateLimitDecision[]> AcquireManyAsync(int[] permits)
    {
        ArgumentNullException.ThrowIfNull(permits);

        // Every request is checked before any is counted, so a bad one fails the call with nothing counted.
        foreach (var p in permits)
        {
            ThrowIfInvalid(p);
        }

        var decisions = new RateLimitDecision[permits.Length];
        for (var i = 0; i < permits.Length; i++)
        {
            var decision = await DecideAsync(permits[i]);
            metrics.RateLimitDecided(_policyName ??= RateLimiterKey.Split(_key).Policy, decision.Allowed && !decision.ShadowLimited);
            decisions[i] = decision;
        }

        return decisions;
    }

    private void ThrowIfInvalid(int permits)
    {
        if (_error is not null)
        {
            throw _error is UnknownRateLimitPolicyException unknown
                ? new UnknownRateLimitPolicyException(unknown.Policy)
                : new InvalidRateLimitRequestException(_error.Message);
        }

        if (permits < 0 || permits > _policy!.MaxPermits)
        {
            throw new InvalidRateLimitRequestException(
                $"Permits must be between 0 and {_policy!.MaxPermits}, the most policy '{RateLimiterKey.Split(_key).Policy}' admits at once (was {permits}); nothing was counted.");
        }
    }

    /// <summary>Decides one request; the caller has checked it with <see cref="ThrowIfInvalid"/>.</summary>
    private async Task<RateLimitDecision> DecideAsync(int permits)
    {
        var policy = _policy!;
        var now = clock.GetUtcNow();
        if (_restorePending)
        {
            await TryRestoreAsync(now);
        }

        if (!store.IsAvailable)
        {
            return Degraded(policy, permits, now);
        }

        var outcome = _state!.Acquire(now.UtcTicks, permits);
        if (outcome.Allowed && permits > 0)
        {
            _dirty = true;
            if (_options.RateLimitCheckpointInterval == TimeSpan.Zero)
            {
                // Write-through: every admitted request is stored before it is answered.
                await _checkpoint;
                if (!await CheckpointAsync(now) && policy.FailureMode == RateLimitFailureMode.Closed)
                {
                    // Not stored, so not admitted: the permits stay counted in memory, which errs on the safe side.
                    return Decision(policy, allowed: false, degraded: true, remaining: 0, RetryAfterWhileDegraded, TimeSpan.Zero);
                }
            }
            else if (now - _lastCheckpoint >= _options.RateLimitCheckpointInterval && _checkpoint.IsCompleted)
            {
                _checkpoint = CheckpointAsync(now);
            }
        }

        return Decision(policy, outcome.Allowed, degraded: false, outcome.Remaining, TimeSpan.FromTicks(outcome.RetryAfterTicks), TimeSpan.FromTicks(outcome.ResetAfterTicks));
    }

    /// <summary>
    /// The answer while the store is unreachable, when admissions cannot be checkpointed and a lost silo could
    /// over-admit without bound. <see cref="RateLimitFailureMode.Closed"/> refuses without counting;
    /// <see cref="RateLimitFailureMode.Open"/> keeps deciding in memory (exact while this activation lives).
    /// </summary>
    private RateLimitDecision Degraded(RateLimitPolicyOptions policy, int permits, DateTimeOffset now)
    {
        if (policy.FailureMode == RateLimitFailureMode.Closed)
        {
            return Decision(policy, allowed: false, degraded: true, remaining: 0, RetryAfterWhileDegraded, TimeSpan.Zero);
        }

        var outcome = _state!.Acquire(now.UtcTicks, permits);
        _dirty |= outcome.Allowed && permits > 0;
        return Decision(policy, outcome.Allowed, degraded: true, outcome.Remaining, TimeSpan.FromTicks(outcome.RetryAfterTicks), TimeSpan.FromTicks(outcome.ResetAfterTicks));
    }

    private static RateLimitDecision Decision(RateLimitPolicyOptions policy, bool allowed, bool degraded, long remaining, TimeSpan retryAfter, TimeSpan resetAfter) => new()
    {
        Allowed = allowed || policy.ShadowMode,
        ShadowLimited = policy.ShadowMode && !allowed,
        Limit = policy.MaxPermits,
        Remaining = remaining,
        RetryAfter = allowed ? TimeSpan.Zero : retryAfter,
        ResetAfter = resetAfter,
        FailureMode = policy.FailureMode,
        Degraded = degraded,
        WindowSeconds = (long)Math.Ceiling(policy.Span.TotalSeconds),
    };

    /// <summary>
    /// Loads the checkpoint a previous activation left, once the store can be reached. When it cannot, the limiter
    /// starts afresh and tries again on later calls; a checkpoint found after this activation admitted anything (in
    /// fail-open mode) is not applied, as it would forget those admissions.
    /// </summary>
    private async Task TryRestoreAsync(DateTimeOffset now)
    {
        if (!store.IsAvailable)
        {
            return;
        }

        try
        {
            var checkpoint = await store.ReadAsync(_key);
            _restorePending = false;
            if (checkpoint is not null && !_dirty)
            {
                _state = RateLimitState.Restore(_policy!, now.UtcTicks, checkpoint);
            }
        }
        catch (CacheStorageException ex)
        {
            LogWarningRestoreFailed(ex, CacheKey.Hash(_key));
        }
    }

    /// <summary>Stores the state; <see langword="false"/> when the store failed (it is retried after the next interval).</summary>
    private async Task<bool> CheckpointAsync(DateTimeOffset now)
    {
        _dirty = false;
        _lastCheckpoint = now;
        try
        {
            await store.WriteAsync(_key, _state!.Serialize(), TimeSpan.FromTicks(_state.RelevantForTicks(now.UtcTicks)));
            return true;
        }
        catch (CacheStorageException ex)
        {
            _dirty = true;
            LogWarningCheckpointFailed(ex, CacheKey.Hash(_key));
            return false;
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "Restoring limiter {KeyHash} from its checkpoint failed; it counts afresh and tries again on its next call.")]
    private partial void LogWarningRestoreFailed(Exception exception, string keyHash);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "Checkpointing limiter {KeyHash} failed; it is retried after the next interval.")]
    private partial void LogWarningCheckpointFailed(Exception exception, string keyHash);
}
