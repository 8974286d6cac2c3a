using CacheCluster.Diagnostics;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Eviction;

/// <summary>
/// Keeps the silo within <see cref="EvictionOptions.MaxEntries"/> and <see cref="EvictionOptions.MaxMemoryMB"/>:
/// every <see cref="CheckInterval"/> of the cache clock, and whenever the <see cref="EvictionTrigger"/> fires, it
/// compares the entry counts and the process's resident memory with the bounds and makes the least recently used
/// entries go, in batches.
/// </summary>
/// <remarks>
/// <para>
/// Activations go first: an entry's activation costs about ten times its record, and deactivating it loses nothing
/// (the record stays in Redis or in the embedded store, and the next call reloads it). Only in embedded mode, and only
/// when the activations alone cannot free enough, are records evicted, least recently used first, as Redis'
/// <c>allkeys-lru</c> would. A record that an activation holds is not evicted directly: its activation goes first.
/// </para>
/// <para>
/// Memory is held under the bound with a high-water mark (<see cref="HighWater"/>) and a target
/// (<see cref="LowWater"/>): over the mark, enough entries go to reach the target by estimate. Freed objects return to
/// the OS only after a garbage collection, so before evicting again the monitor collects once and samples anew,
/// which keeps it from evicting twice for the same bytes. Orleans' own activation shedding
/// (<c>GrainCollectionOptions.EnableActivationSheddingOnMemoryPressure</c>) is not used: its limit is a share of the
/// machine's memory rather than a number of megabytes, it knows nothing of the embedded records, and it waits for a
/// gen-2 collection between rounds.
/// </para>
/// </remarks>
internal sealed partial class EntryEvictionMonitor : BackgroundService
{
    /// <summary>How often the monitor samples when nothing wakes it earlier.</summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Over this share of the bound, entries go...</summary>
    public const double HighWater = 0.80;

    /// <summary>...until this share is reached (by estimate).</summary>
    public const double LowWater = 0.70;

    /// <summary>
    /// What one idle entry activation costs beyond its record, in bytes: Orleans' activation, directory and collector
    /// entries, and the grain object (measured: about 3 KiB).
    /// </summary>
    public const int ActivationBytes = 3 * 1024;

    /// <summary>Over the high-water mark with nothing evicted since, the monitor collects garbage at most this often.</summary>
    public static readonly TimeSpan CollectInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The share of <see cref="EvictionOptions.MaxMemoryMB"/> that activations may take by count (at
    /// <see cref="ActivationBytes"/> each). A flood of new keys is shed as it comes, by count, without waiting for the
    /// process's memory to show it.
    /// </summary>
    public const double ActivationShare = 0.1;

    /// <summary>How often, at most, the monitor warns that the bound leaves the entries no room.</summary>
    public static readonly TimeSpan TooSmallWarningInterval = TimeSpan.FromMinutes(1);

    /// <summary>The least a record is taken to cost when estimating how many must go.</summary>
    private const int MinRecordBytes = 128;

    private readonly ActiveEntryTable _activations;
    private readonly MemoryEntryStore? _records;
    private readonly IProcessMemory _memory;
    private readonly EvictionTrigger _trigger;
    private readonly CacheClusterMetrics _metrics;
    private readonly TimeProvider _clock;
    private readonly ILogger<EntryEvictionMonitor> _logger;
    private readonly int? _maxEntries;
    private readonly long? _maxBytes;
    private readonly int? _maxActivations;
    private readonly Lock _passLock = new();
    private bool _evictedSinceCollect;
    private DateTimeOffset _lastCollect = DateTimeOffset.MinValue;
    private DateTimeOffset _lastTooSmallWarning = DateTimeOffset.MinValue;

    public EntryEvictionMonitor(
        ActiveEntryTable activations,
        IServiceProvider services,
        IProcessMemory memory,
        EvictionTrigger trigger,
        CacheClusterMetrics metrics,
        [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock,
        IOptions<EvictionOptions> options,
        ILogger<EntryEvictionMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        _activations = activations;
        _records = services.GetService<IEntryStore>() as MemoryEntryStore;
        _memory = memory;
        _trigger = trigger;
        _metrics = metrics;
        _clock = clock;
        _logger = logger;
        _maxEntries = options.Value.MaxEntries;
        _maxBytes = options.Value.MaxMemoryMB * 1024L * 1024;

        _maxActivations = _maxBytes is { } bytes ? (int)Math.Clamp(bytes * ActivationShare / ActivationBytes, 1, int.MaxValue) : null;
        if (_records is null)
        {
            trigger.ActivationLimit = Math.Min(_maxEntries ?? int.MaxValue, _maxActivations ?? int.MaxValue);
        }
        else
        {
            trigger.RecordLimit = _maxEntries ?? int.MaxValue;
            trigger.ActivationLimit = _maxActivations ?? int.MaxValue;
        }

        trigger.SampleOnGrowth = _maxBytes is not null;
        metrics.ObserveEntries(() => _activations.Count, _records is null ? null : () => _records.Count);
    }

    /// <summary>Gets a value indicating whether a bound is configured, so that the monitor runs at all.</summary>
    public bool IsBounded => _maxEntries is not null || _maxBytes is not null;

    /// <summary>
    /// Compares the silo with its bounds once and makes entries go as needed. Thread-safe; the loop calls it on every
    /// tick, tests call it directly.
    /// </summary>
    public EvictionPass Check(DateTimeOffset now)
    {
        lock (_passLock)
        {
            var nowStamp = Recency.StampOf(now);
            var pass = default(EvictionPass);
            if (_maxEntries is { } maxEntries)
            {
                if (_records is not null)
                {
                    pass += EvictRecords(_records.Count - maxEntries, nowStamp, EvictionReason.Entries);
                }
                else
                {
                    pass += Deactivate(_activations.Count - _activations.Going - maxEntries, nowStamp, EvictionReason.Entries);
                }
            }

            if (_maxActivations is { } maxActivations)
            {
                pass += Deactivate(_activations.Count - _activations.Going - maxActivations, nowStamp, EvictionReason.Memory);
            }

            if (_maxBytes is { } maxBytes)
            {
                pass += ShedMemory(maxBytes, now, nowStamp);
            }

            if (pass.Total > 0)
            {
                LogDebugEvicted(pass.Deactivated, pass.Removed, _activations.Count, _records?.Count ?? 0);
            }

            return pass;
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsBounded)
        {
            return Task.CompletedTask;
        }

        // A thread of its own, woken by an event: under a write flood the thread pool's queue is long, and a monitor
        // waiting in it would let memory run past the bound.
        return Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(CancellationToken stoppingToken)
    {
        using var timer = _clock.CreateTimer(static trigger => ((EvictionTrigger)trigger!).Wake(), _trigger, CheckInterval, CheckInterval);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                _trigger.Reset();
                try
                {
                    Check(_clock.GetUtcNow());
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogErrorCheckFailed(ex);
                }

                _trigger.Wait(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private EvictionPass ShedMemory(long maxBytes, DateTimeOffset now, int nowStamp)
    {
        var high = (long)(maxBytes * HighWater);
        var used = _memory.ResidentBytes();
        if (used <= high)
        {
            _evictedSinceCollect = false;
            return default;
        }

        // Much of the excess may be garbage, or what went last time and is not yet collected: collect first (after an
        // eviction, always; otherwise at most once per CollectInterval), and evict only for what remains.
        var collected = false;
        if (_evictedSinceCollect || now - _lastCollect >= CollectInterval)
        {
            collected = true;
            _evictedSinceCollect = false;
            _lastCollect = now;
            _memory.Collect();
            used = _memory.ResidentBytes();
            if (used <= high)
            {
                return default;
            }
        }

        // Never more than the entries are estimated to hold: the rest (code, runtime, buffers) does not go with them.
        var activationBytes = (long)(_activations.Count - _activations.Going) * ActivationBytes;
        var recordBytes = _records?.EstimatedBytes ?? 0;
        var excess = used - (long)(maxBytes * LowWater);
        if (collected && excess > activationBytes + recordBytes && now - _lastTooSmallWarning >= TooSmallWarningInterval)
        {
            // Even with every entry gone the silo would stay over the target: the bound leaves the entries no room.
            _lastTooSmallWarning = now;
            LogWarningBoundTooSmall(used / (1024 * 1024), maxBytes / (1024 * 1024), (activationBytes + recordBytes) / (1024 * 1024));
        }

        var need = Math.Min(excess, activationBytes + recordBytes);
        LogDebugOverHighWater(used / (1024 * 1024), _memory.ManagedHeapBytes() / (1024 * 1024), _activations.Count, _records?.Count ?? 0, need / 1024);
        if (need <= 0)
        {
            return default;
        }

        var pass = Deactivate((int)Math.Min(int.MaxValue, (need + ActivationBytes - 1) / ActivationBytes), nowStamp, EvictionReason.Memory);
        need -= (long)pass.Deactivated * ActivationBytes;
        if (need > 0 && _records is { Count: > 0 } records)
        {
            var perRecord = Math.Max(MinRecordBytes, records.EstimatedBytes / records.Count);
            pass += EvictRecords((int)Math.Min(int.MaxValue, (need + perRecord - 1) / perRecord), nowStamp, EvictionReason.Memory);
        }

        _evictedSinceCollect = pass.Total > 0;
        return pass;
    }

    /// <summary>Evicts <paramref name="count"/> embedded records; for those held by activations, the activations go first.</summary>
    private EvictionPass EvictRecords(int count, int nowStamp, EvictionReason reason)
    {
        if (count <= 0 || _records is null)
        {
            return default;
        }

        var removed = _records.EvictColdest(count, nowStamp);
        _metrics.Evicted(ReasonTag(reason), "removed", removed);
        var pass = new EvictionPass(0, removed);

        // The rest are held by activations: those go (unless already going), and their records at a later pass.
        return pass + Deactivate(count - removed - _activations.Going, nowStamp, reason);
    }

    private EvictionPass Deactivate(int count, int nowStamp, EvictionReason reason)
    {
        if (count <= 0)
        {
            return default;
        }

        var deactivated = _activations.Evict(count, nowStamp, reason);
        _metrics.Evicted(ReasonTag(reason), "deactivated", deactivated);
        return new EvictionPass(deactivated, 0);
    }

    private static string ReasonTag(EvictionReason reason) => reason == EvictionReason.Memory ? "memory" : "entries";

    [LoggerMessage(EventId = 1200, Level = LogLevel.Debug, Message = "Eviction pass: {Deactivated} activations released, {Removed} records evicted; {Active} active, {Stored} stored.")]
    private partial void LogDebugEvicted(int deactivated, int removed, int active, int stored);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Debug, Message = "Over the high-water mark after collecting: resident {ResidentMiB} MiB, heap {HeapMiB} MiB; {Active} active, {Stored} stored; freeing {NeedKiB} KiB.")]
    private partial void LogDebugOverHighWater(long residentMiB, long heapMiB, int active, int stored, long needKiB);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Resident memory is {ResidentMiB} MiB after a full collection: over 70 % of CacheCluster:MaxMemoryMB ({MaxMiB} MiB) by more than all entries hold (about {EntriesMiB} MiB), so every entry activation (and in embedded mode every record) goes. The silo itself takes more than the bound leaves for entries: raise MaxMemoryMB.")]
    private partial void LogWarningBoundTooSmall(long residentMiB, long maxMiB, long entriesMiB);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "An eviction pass failed; the monitor tries again at its next tick.")]
    private partial void LogErrorCheckFailed(Exception exception);
}

/// <summary>What one eviction pass did: activations released and embedded records evicted.</summary>
internal readonly record struct EvictionPass(int Deactivated, int Removed)
{
    public int Total => Deactivated + Removed;

    public static EvictionPass operator +(EvictionPass left, EvictionPass right) =>
        new(left.Deactivated + right.Deactivated, left.Removed + right.Removed);
}
