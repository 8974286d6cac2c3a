using HdrHistogram;

namespace CacheCluster.Bench.Measurement;

/// <summary>
/// Drives concurrent callers against one decision function. Each caller keeps its own counters and histogram, merged
/// at the end, so measuring adds no shared state to the path measured. All time comes from <see cref="TimeProvider"/>.
/// </summary>
internal sealed class LoadRunner(TimeProvider clock)
{
    // Latencies above a minute are clamped: a decision that slow is a failure, counted as such by its caller.
    private static readonly long HighestTrackable = TimeSpan.FromMinutes(1).Ticks;

    /// <summary>Runs <paramref name="callers"/> callers for <paramref name="duration"/>, each picking identifiers uniformly at random.</summary>
    public Task<LoadResult> RunForAsync(Func<int, ValueTask<Outcome>> acquire, int identifiers, int callers, TimeSpan duration, int seed) =>
        RunAsync(callers, (caller, start, now) => clock.GetElapsedTime(start, now) < duration, caller =>
        {
            var random = new Random(HashCode.Combine(seed, caller));
            return () => identifiers == 1 ? 0 : random.Next(identifiers);
        }, acquire);

    /// <summary>Runs <paramref name="callers"/> callers for <paramref name="duration"/>, each drawing identifiers from the picker <paramref name="pickerFor"/> makes for it.</summary>
    public Task<LoadResult> RunForAsync(Func<int, ValueTask<Outcome>> acquire, Func<int, Func<int>> pickerFor, int callers, TimeSpan duration) =>
        RunAsync(callers, (caller, start, now) => clock.GetElapsedTime(start, now) < duration, pickerFor, acquire);

    /// <summary>Makes exactly <paramref name="attempts"/> decisions from <paramref name="callers"/> callers on identifiers 0, 1, 2, … (mod <paramref name="identifiers"/>).</summary>
    public Task<LoadResult> RunCountAsync(Func<int, ValueTask<Outcome>> acquire, int identifiers, int callers, long attempts)
    {
        long issued = 0;
        long next = -1;
        return RunAsync(callers, (caller, start, now) => Interlocked.Increment(ref issued) <= attempts, caller =>
            () => (int)(Interlocked.Increment(ref next) % identifiers), acquire);
    }

    private async Task<LoadResult> RunAsync(
        int callers,
        Func<int, long, long, bool> keepGoing,
        Func<int, Func<int>> identifierPicker,
        Func<int, ValueTask<Outcome>> acquire)
    {
        var gate = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new Task<CallerResult>[callers];
        for (var c = 0; c < callers; c++)
        {
            var caller = c;
            var pick = identifierPicker(caller);
            tasks[c] = Task.Run(async () =>
            {
                var start = await gate.Task;
                var result = new CallerResult(new LongHistogram(HighestTrackable, 3));
                var now = clock.GetTimestamp();
                while (keepGoing(caller, start, now))
                {
                    var id = pick();
                    var before = clock.GetTimestamp();
                    try
                    {
                        var outcome = await acquire(id);
                        now = clock.GetTimestamp();
                        result.Count(outcome);
                        result.Latencies.RecordValue(Math.Min(clock.GetElapsedTime(before, now).Ticks, HighestTrackable));
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        now = clock.GetTimestamp();
                        result.Errors++;
                        result.FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
                    }
                }

                return result;
            });
        }

        var begin = clock.GetTimestamp();
        gate.SetResult(begin);
        var results = await Task.WhenAll(tasks);
        var elapsed = clock.GetElapsedTime(begin);

        var merged = new LongHistogram(HighestTrackable, 3);
        long allowed = 0, limited = 0, degraded = 0, errors = 0;
        string? firstError = null;
        foreach (var r in results)
        {
            merged.Add(r.Latencies);
            allowed += r.Allowed;
            limited += r.Limited;
            degraded += r.Degraded;
            errors += r.Errors;
            firstError ??= r.FirstError;
        }

        return new LoadResult(allowed, limited, degraded, errors, elapsed, merged, firstError);
    }

    private sealed class CallerResult(LongHistogram latencies)
    {
        public LongHistogram Latencies { get; } = latencies;

        public long Allowed { get; private set; }

        public long Limited { get; private set; }

        public long Degraded { get; private set; }

        public long Errors { get; set; }

        public string? FirstError { get; set; }

        public void Count(Outcome outcome)
        {
            switch (outcome)
            {
                case Outcome.Allowed:
                    Allowed++;
                    break;
                case Outcome.Limited:
                    Limited++;
                    break;
                default:
                    Degraded++;
                    break;
            }
        }
    }
}
