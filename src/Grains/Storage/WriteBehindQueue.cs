using CacheCluster.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Storage;

/// <summary>
/// The silo's write-behind queue (Redis mode only): entry grains acknowledge <see cref="CacheDurability.WriteBehind"/>
/// writes at once and queue their key here; within <see cref="CacheClusterOptions.MaxWriteDelay"/> of the first queued
/// key, every queued key's latest state goes to the store together (<see cref="IEntryStore.CommitMany"/>: one round trip
/// for hundreds of keys), each fenced on the version the store has. A failed change is retried at the next flush; an
/// entry's deactivation and the silo's graceful stop drain what is left.
/// </summary>
internal sealed partial class WriteBehindQueue : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    /// <summary>
    /// Stops after the silo has deactivated its grains (<see cref="ServiceLifecycleStage.GrainDeactivation"/>, each
    /// draining its own entry) and before the store's connection goes.
    /// </summary>
    public const int Stage = ServiceLifecycleStage.ApplicationServices;

    /// <summary>How many flushes a drain tries before it gives up on a store that keeps failing.</summary>
    internal const int DrainAttempts = 3;

    private readonly IEntryStore _store;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _delay;
    private readonly ILogger<WriteBehindQueue> _logger;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private HashSet<WriteBehindEntry> _queued = [];
    private readonly HashSet<Task> _flushes = [];
    private bool _armed;

    public WriteBehindQueue(
        IEntryStore store,
        [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
        IOptions<CacheClusterOptions> options,
        ILogger<WriteBehindQueue> logger)
    {
        _store = store;
        _clock = clock;
        _delay = options.Value.MaxWriteDelay;
        _logger = logger;
        _timer = clock.CreateTimer(static state => ((WriteBehindQueue)state!).OnDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets how many keys wait for the next flush.</summary>
    public int QueuedCount
    {
        get
        {
            lock (_lock)
            {
                return _queued.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="entry"/> for the next flush, which is due within the write delay.</summary>
    public void Enqueue(WriteBehindEntry entry)
    {
        lock (_lock)
        {
            _queued.Add(entry);
            if (_armed)
            {
                return;
            }

            _armed = true;
        }

        _timer.Change(_delay, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Writes <paramref name="entry"/>'s pending state now (an entry's deactivation, or a stored write after write-behind
    /// ones), waiting for a change in flight first, and trying up to <see cref="DrainAttempts"/> times.
    /// </summary>
    /// <param name="entry">The activation's entry.</param>
    /// <param name="keepOnFailure">Whether a change the store keeps refusing stays queued for later flushes (a live
    /// activation) or is given up (a deactivating one).</param>
    /// <returns><see langword="true"/> if the store has the entry's latest state (or a newer activation's).</returns>
    public async Task<bool> DrainAsync(WriteBehindEntry entry, bool keepOnFailure)
    {
        for (var attempt = 0; attempt < DrainAttempts && !entry.IsClean;)
        {
            if (entry.Flight is { } flight)
            {
                await flight.ConfigureAwait(false);
                continue;
            }

            attempt++;
            await FlushAsync([entry], requeue: false).ConfigureAwait(false);
        }

        var clean = entry.IsClean;
        if (!clean && keepOnFailure)
        {
            Enqueue(entry);
        }
        else if (clean)
        {
            lock (_lock)
            {
                _queued.Remove(entry);
            }
        }

        return clean;
    }

    /// <summary>Flushes everything queued and waits for every flush in flight, until nothing is left (or the store keeps failing).</summary>
    public async Task DrainAllAsync()
    {
        for (var attempt = 0; attempt < DrainAttempts; attempt++)
        {
            HashSet<WriteBehindEntry> queued;
            Task[] flights;
            lock (_lock)
            {
                (queued, _queued) = (_queued, []);
                flights = [.. _flushes];
            }

            if (queued.Count == 0 && flights.Length == 0)
            {
                return;
            }

            await Task.WhenAll([.. flights, FlushAsync([.. queued], requeue: true)]).ConfigureAwait(false);
        }

        var left = QueuedCount;
        if (left > 0)
        {
            LogWarningDrainIncomplete(left);
        }
    }

    /// <summary>Waits for the flushes in flight now (not for what is still queued).</summary>
    internal Task WhenFlushedAsync()
    {
        lock (_lock)
        {
            return Task.WhenAll([.. _flushes]);
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(WriteBehindQueue), Stage, _ => Task.CompletedTask, _ => DrainAllAsync());

    public void Dispose() => _timer.Dispose();

    private void OnDue()
    {
        HashSet<WriteBehindEntry> queued;
        lock (_lock)
        {
            _armed = false;
            (queued, _queued) = (_queued, []);
        }

        if (queued.Count > 0)
        {
            _ = FlushAsync([.. queued], requeue: true);
        }
    }

    /// <summary>Sends the pending change of each of <paramref name="entries"/> in one batch; never throws.</summary>
    private async Task FlushAsync(List<WriteBehindEntry> entries, bool requeue)
    {
        var now = _clock.GetUtcNow();
        var taken = new List<WriteBehindEntry>(entries.Count);
        var changes = new List<EntryChange>(entries.Count);
        foreach (var entry in entries)
        {
            // An entry in flight is queued again when its answer comes, if it changed meanwhile.
            if (entry.Take(now) is { } change)
            {
                taken.Add(entry);
                changes.Add(change);
            }
        }

        if (changes.Count == 0)
        {
            return;
        }

        var flush = SendAsync(taken, changes, requeue);
        lock (_lock)
        {
            _flushes.Add(flush);
        }

        await flush.ConfigureAwait(false);
        lock (_lock)
        {
            _flushes.Remove(flush);
        }
    }

    private async Task SendAsync(List<WriteBehindEntry> entries, List<EntryChange> changes, bool requeue)
    {
        Task<bool>[] answers;
        try
        {
            answers = _store.CommitMany(changes);
        }
        catch (Exception ex) when (ex is CacheStorageException or InvalidOperationException)
        {
            answers = [.. changes.Select(_ => Task.FromException<bool>(ex))];
        }

        var failed = 0;
        var fenced = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            WriteBehindOutcome outcome;
            try
            {
                outcome = await answers[i].ConfigureAwait(false) ? WriteBehindOutcome.Applied : WriteBehindOutcome.Fenced;
            }
            catch (CacheStorageException)
            {
                outcome = WriteBehindOutcome.Failed;
            }

            failed += outcome == WriteBehindOutcome.Failed ? 1 : 0;
            fenced += outcome == WriteBehindOutcome.Fenced ? 1 : 0;
            if (entries[i].Complete(outcome) && (requeue || outcome != WriteBehindOutcome.Failed))
            {
                Enqueue(entries[i]);
            }
        }

        if (failed > 0)
        {
            LogWarningFlushFailed(failed, changes.Count);
        }

        if (fenced > 0)
        {
            LogInformationFenced(fenced, changes.Count);
        }
    }

    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "The store did not take {Failed} of {Count} write-behind changes; they are retried at the next flush.")]
    private partial void LogWarningFlushFailed(int failed, int count);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "{Fenced} of {Count} write-behind changes lost their version fence to another activation of the key; its writes stand.")]
    private partial void LogInformationFenced(int fenced, int count);

    [LoggerMessage(EventId = 1603, Level = LogLevel.Warning, Message = "The silo stopped with {Count} write-behind changes the store did not take.")]
    private partial void LogWarningDrainIncomplete(int count);
}
