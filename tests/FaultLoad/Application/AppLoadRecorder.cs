using System.Collections.Concurrent;
using CacheCluster.FaultLoad.Application.Report;

namespace CacheCluster.FaultLoad.Application;

/// <summary>
/// Collects every call of the application-side load, from many threads at once, and the generations the client knows
/// of per key; makes the per-phase <see cref="AppLoadReport"/> at the end.
/// </summary>
internal sealed class AppLoadRecorder(string client, AppLoadSettings settings, PhaseMarks marks, TimeProvider clock)
{
    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly ConcurrentQueue<long> _factoryRuns = new();
    private readonly ConcurrentQueue<AppRemove> _removes = new();
    private readonly ConcurrentQueue<AppBehindRead> _behind = new();
    private readonly ConcurrentDictionary<string, string> _errorExamples = new(StringComparer.Ordinal);
    private readonly long[] _known = new long[settings.Keys];
    private long _acknowledged;
    private long _failed;
    private long _startedAtMs = clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Gets the Sets the cluster acknowledged.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Gets the calls that threw.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public void Started() => _startedAtMs = NowMs;

    /// <summary>The generation of the last Set acknowledged or Remove completed on key <paramref name="index"/>.</summary>
    public long Known(int index) => Volatile.Read(ref _known[index]);

    /// <summary>The client now knows of generation <paramref name="generation"/> of key <paramref name="index"/>.</summary>
    public void Learn(int index, long generation)
    {
        var seen = Volatile.Read(ref _known[index]);
        while (generation > seen)
        {
            var was = Interlocked.CompareExchange(ref _known[index], generation, seen);
            if (was == seen)
            {
                return;
            }

            seen = was;
        }
    }

    public void FactoryRan() => _factoryRuns.Enqueue(NowMs);

    /// <summary>Records a call that returned; a read passes what it found and whether that was behind.</summary>
    public void Completed(string operation, long startedAtMs, TimeSpan duration, bool found = false, bool behind = false)
    {
        if (operation == AppOperations.Set)
        {
            Interlocked.Increment(ref _acknowledged);
        }

        _samples.Enqueue(new Sample(operation, startedAtMs, NowMs, duration.Ticks, null, found, behind));
    }

    public void Threw(string operation, long startedAtMs, TimeSpan duration, Exception exception)
    {
        Interlocked.Increment(ref _failed);
        var type = exception.GetType().Name;
        _errorExamples.TryAdd(type, FirstLine(exception.Message) + (exception.InnerException is { } inner ? $" (inner {inner.GetType().Name})" : string.Empty));
        _samples.Enqueue(new Sample(operation, startedAtMs, NowMs, duration.Ticks, type, false, false));
    }

    public void Behind(string operation, string key, long startedAtMs, long generation, long known) =>
        _behind.Enqueue(new AppBehindRead(operation, key, startedAtMs, NowMs, generation, known));

    public void Removed(AppRemove remove) => _removes.Enqueue(remove);

    public AppLoadReport Report()
    {
        var stoppedAtMs = NowMs;
        var samples = _samples.ToArray();
        var factoryRuns = _factoryRuns.ToArray();
        var phases = marks.Phases(_startedAtMs, stoppedAtMs).Select(phase =>
        {
            var inPhase = samples.Where(s => s.StartMs >= phase.FromMs && s.StartMs < phase.ToMs).ToList();
            var firstClusterSuccess = samples
                .Where(s => s.Error is null && s.Operation is AppOperations.Set or AppOperations.Remove && s.EndMs >= phase.FromMs && s.EndMs < phase.ToMs)
                .Select(s => (long?)s.EndMs)
                .Min();
            return new AppPhase(
                phase.Name,
                phase.FromMs,
                phase.ToMs,
                AppOperations.All.ToDictionary(op => op, op => Figures(inPhase.Where(s => s.Operation == op).ToList()), StringComparer.Ordinal),
                factoryRuns.LongCount(at => at >= phase.FromMs && at < phase.ToMs),
                firstClusterSuccess);
        }).ToList();

        return new AppLoadReport
        {
            Client = client,
            StartedAtMs = _startedAtMs,
            StoppedAtMs = stoppedAtMs,
            Keys = settings.Keys,
            FactoryDelayMs = (long)settings.FactoryDelay.TotalMilliseconds,
            NearCache = settings.NearCache,
            QuietKeys = [.. Enumerable.Range(0, settings.Keys).Where(settings.IsQuiet).Select(AppLoadSettings.Key)],
            Phases = phases,
            Removes = [.. _removes.OrderBy(r => r.IssuedAtMs)],
            BehindReads = [.. _behind.OrderBy(b => b.StartedAtMs)],
            ErrorExamples = new Dictionary<string, string>(_errorExamples, StringComparer.Ordinal),
        };
    }

    private static AppOperationFigures Figures(List<Sample> samples)
    {
        var durations = samples.Select(s => s.DurationTicks).Order().ToArray();
        return new AppOperationFigures(
            samples.Count,
            samples.Count(s => s.Error is not null),
            samples.Where(s => s.Error is not null).GroupBy(s => s.Error!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal),
            samples.Count(s => s.Found),
            samples.Count(s => s.Behind),
            Percentile(durations, 0.50),
            Percentile(durations, 0.90),
            Percentile(durations, 0.99),
            durations.Length == 0 ? 0 : Ms(durations[^1]));
    }

    /// <summary>The nearest-rank percentile, in milliseconds; 0 when there is no call.</summary>
    private static double Percentile(long[] sortedTicks, double fraction) =>
        sortedTicks.Length == 0 ? 0 : Ms(sortedTicks[Math.Clamp((int)Math.Ceiling(fraction * sortedTicks.Length) - 1, 0, sortedTicks.Length - 1)]);

    private static double Ms(long ticks) => Math.Round(TimeSpan.FromTicks(ticks).TotalMilliseconds, 3);

    private static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        var line = end < 0 ? message : message[..end];
        return line.Length > 300 ? line[..300] : line;
    }

    private sealed record Sample(string Operation, long StartMs, long EndMs, long DurationTicks, string? Error, bool Found, bool Behind);
}
