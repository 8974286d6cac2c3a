using CacheCluster.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Invalidation.Rules;
using CacheCluster.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Invalidation.Stream;

/// <summary>
/// One partition of the invalidation stream. Appends are durable before they are acknowledged; a background pump
/// applies pending events strictly in sequence order, records each completion, then announces it. Whatever a crash
/// interrupts is still pending in the log, and the next activation (woken by <see cref="InvalidationStreamKeeper"/>)
/// applies it again: delivery is at least once, and invalidation is idempotent.
/// </summary>
internal sealed partial class InvalidationStreamGrain(
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
    TimeProvider runtimeClock,
    IInvalidationLog log,
    IInvalidationFanOut fanOut,
    InvalidationRuleSet rules,
    IOptions<InvalidationOptions> options,
    CacheClusterMetrics metrics,
    SiloOperations operations,
    ILogger<InvalidationStreamGrain> logger) : Grain, IInvalidationStreamGrain
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly InvalidationOptions _options = options.Value;
    private readonly SortedDictionary<long, LoggedEvent> _pending = [];
    private readonly List<(long Sequence, TaskCompletionSource Done)> _waiters = [];
    private int _partition;
    private long _applied;
    private bool _pumping;
    private bool _reloadNeeded;
    private bool _deactivating;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyLong();
        if (key is < 0 or >= IInvalidationStreamGrain.Partitions)
        {
            throw new InvalidCacheOptionsException($"Invalidation stream partitions are 0 to {IInvalidationStreamGrain.Partitions - 1} (was {key}).");
        }

        _partition = (int)key;
        var pending = await log.PendingAsync(_partition);
        var last = await log.LastSequenceAsync(_partition);
        foreach (var logged in pending)
        {
            _pending[logged.Sequence] = logged;
        }

        _applied = pending.Count > 0 ? pending[0].Sequence - 1 : last;
        if (pending.Count > 0)
        {
            LogInformationResuming(_partition, pending.Count, pending[0].Sequence);
            StartPump();
        }
        else
        {
            ReportPending();
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating = true;

        // The partition no longer reports from this silo (it comes back wherever it activates next).
        metrics.PartitionPending(_partition, -1, null);
        return Task.CompletedTask;
    }

    public async Task<DomainEventReceipt> AppendAsync(DomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        InvalidationTargets targets;
        bool matched;
        try
        {
            using var data = domainEvent.ParseData(_options.MaxEventBytes);
            targets = rules.Resolve(domainEvent.Type, data.RootElement, out matched);
        }
        catch (InvalidDomainEventException)
        {
            metrics.EventPublished("rejected");
            throw;
        }

        var now = clock.GetUtcNow();
        var record = new LoggedEvent(domainEvent.Id, domainEvent.Type, domainEvent.OccurredAt, now, targets.Keys, targets.Patterns, targets.Tags);
        LogAppend place;
        try
        {
            place = await log.AppendAsync(_partition, record, _options.DuplicateWindow, now);
        }
        catch (CacheStorageException ex)
        {
            // The store may have taken the event before failing to answer: look again before applying anything newer.
            _reloadNeeded = true;
            metrics.EventPublished("failed");
            LogWarningAppendFailed(ex, _partition);
            throw new CacheStorageException(ex.Message) { Operation = "Publish" };
        }

        if (place.Duplicate)
        {
            metrics.EventPublished("duplicate");
            return new DomainEventReceipt(place.Partition, place.Sequence, Duplicate: true, matched);
        }

        metrics.EventPublished(matched ? "accepted" : "unmatched");
        if (place.Sequence > _applied)
        {
            _pending[place.Sequence] = record with { Sequence = place.Sequence };
            StartPump();
        }

        return new DomainEventReceipt(_partition, place.Sequence, Duplicate: false, matched);
    }

    public async Task<long> AnnounceAsync(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(tags);
        ArgumentNullException.ThrowIfNull(patterns);
        var now = clock.GetUtcNow();
        var record = new LoggedEvent("direct:" + Guid.NewGuid().ToString("N"), IInvalidationStreamGrain.DirectInvalidationType, now, now, [.. keys], [.. patterns], [.. tags]) { Announcement = true };
        LogAppend place;
        try
        {
            place = await log.AppendAsync(_partition, record, TimeSpan.FromSeconds(1), now);
        }
        catch (CacheStorageException ex)
        {
            _reloadNeeded = true;
            LogWarningAppendFailed(ex, _partition);
            throw new CacheStorageException(ex.Message) { Operation = "Announce" };
        }

        if (place.Sequence > _applied)
        {
            _pending[place.Sequence] = record with { Sequence = place.Sequence };
            StartPump();
        }

        return place.Sequence;
    }

    public Task WaitForAppliedAsync(long sequence)
    {
        if (sequence <= _applied)
        {
            return Task.CompletedTask;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters.Add((sequence, done));
        return done.Task;
    }

    public Task<long> PingAsync() => Task.FromResult(_applied);

    private void StartPump()
    {
        ReportPending();
        if (!_pumping)
        {
            _pumping = true;
            _ = PumpAsync();
        }
    }

    private async Task PumpAsync()
    {
        var failures = 0;
        try
        {
            while (!_deactivating)
            {
                try
                {
                    if (_reloadNeeded)
                    {
                        await ReloadAsync();
                    }

                    if (_pending.Count == 0)
                    {
                        break;
                    }

                    var next = _pending.First().Value;
                    var started = clock.GetTimestamp();
                    var invalidated = next.Announcement ? 0 : await FanOutAsync(next);
                    operations.SlowLog?.Record(next.EventType, next.EventId, clock.GetElapsedTime(started), SlowPhases.FanOut);
                    await log.CompleteAsync(_partition, next.Sequence);
                    _pending.Remove(next.Sequence);
                    ReportPending();
                    _applied = next.Sequence;
                    failures = 0;
                    metrics.EventApplied(invalidated, clock.GetUtcNow() - next.AcceptedAt);
                    Announce(new InvalidationNotice(_partition, next.Sequence, next.EventId, next.EventType, next.Keys, next.Patterns, next.Tags, invalidated));
                    ReleaseWaiters();
                    CacheClusterEvents.Write(CacheClusterEvents.InvalidationApplied, next.EventId);
                }
                catch (Exception ex) when (!_deactivating)
                {
                    // The event stays pending and is tried again, in order, after a growing pause.
                    failures++;
                    metrics.FanOutFailed();
                    var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 16))));
                    LogWarningFanOutFailed(ex, _partition, _pending.Count > 0 ? _pending.First().Key : 0, delay);
                    await Task.Delay(delay, runtimeClock);
                }
            }
        }
        finally
        {
            _pumping = false;
        }
    }

    private async Task ReloadAsync()
    {
        foreach (var logged in await log.PendingAsync(_partition))
        {
            if (logged.Sequence > _applied)
            {
                _pending.TryAdd(logged.Sequence, logged);
            }
        }

        _reloadNeeded = false;
        ReportPending();
    }

    /// <summary>Tells the silo's metrics how many events wait here, and since when the oldest.</summary>
    private void ReportPending() =>
        metrics.PartitionPending(_partition, _pending.Count, _pending.Count > 0 ? _pending.First().Value.AcceptedAt : null);

    private void ReleaseWaiters()
    {
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Sequence <= _applied)
            {
                _waiters[i].Done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    [LoggerMessage(1301, LogLevel.Information, "Invalidation stream partition {Partition} resumes {Count} pending events from sequence {Sequence}")]
    private partial void LogInformationResuming(int partition, int count, long sequence);

    [LoggerMessage(1302, LogLevel.Warning, "Invalidation stream partition {Partition} could not persist an event")]
    private partial void LogWarningAppendFailed(Exception exception, int partition);

    [LoggerMessage(1303, LogLevel.Warning, "Invalidation stream partition {Partition} failed to apply sequence {Sequence}; retrying in {Delay}")]
    private partial void LogWarningFanOutFailed(Exception exception, int partition, long sequence, TimeSpan delay);
}
