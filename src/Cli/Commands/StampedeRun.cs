using System.Collections.Concurrent;

namespace CacheCluster.Cli.Commands;

/// <summary>
/// One stampede in this process: <c>callers</c> concurrent <see cref="IClusterCache.GetOrSetAsync{T}"/> calls on one key,
/// whose factory counts its runs and stands in for a slow database.
/// </summary>
internal sealed class StampedeRun(IClusterCache cache, string key, int callers, TimeSpan factoryDelay, GetOrSetOptions options)
{
    private static readonly TimeProvider Clock = TimeProvider.System;

    // Which process computed the value: every caller in every process should get the same one.
    private readonly string _identity = $"{Environment.MachineName}:{Environment.ProcessId}";
    private readonly TimeSpan[] _starts = new TimeSpan[callers];
    private readonly TimeSpan[] _latencies = new TimeSpan[callers];
    private readonly bool[] _failed = new bool[callers];
    private readonly ConcurrentDictionary<string, int> _values = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TimeSpan> _factoryStarts = new();
    private readonly ConcurrentQueue<TimeSpan> _factoryEnds = new();
    private long _first;
    private long _lastLaunched;
    private int _factoryRuns;

    /// <summary>Launches every caller at once, waits for all of them and summarizes.</summary>
    public async Task<StampedeReport> RunAsync(CancellationToken cancellationToken)
    {
        _first = Clock.GetTimestamp();
        var calls = new Task[callers];
        for (var i = 0; i < callers; i++)
        {
            calls[i] = CallAsync(i, cancellationToken);
        }

        _lastLaunched = Clock.GetTimestamp();
        await Task.WhenAll(calls);
        var wall = Clock.GetElapsedTime(_first);

        return new StampedeReport
        {
            Key = key,
            Callers = callers,
            FactoryRuns = _factoryRuns,
            Errors = _failed.Count(failed => failed),
            ErrorMessages = new SortedDictionary<string, int>(_errors, StringComparer.Ordinal),
            Values = new SortedDictionary<string, int>(_values, StringComparer.Ordinal),
            Latencies = _latencies,
            Starts = _starts,
            LaunchSpread = Clock.GetElapsedTime(_first, _lastLaunched),
            Wall = wall,
            FactoryStarts = [.. _factoryStarts.Order()],
            FactoryEnds = [.. _factoryEnds.Order()],
        };
    }

    private async Task CallAsync(int index, CancellationToken cancellationToken)
    {
        var started = Clock.GetTimestamp();
        _starts[index] = Clock.GetElapsedTime(_first, started);
        try
        {
            var value = await cache.GetOrSetAsync<string>(key, FactoryAsync, options, cancellationToken);
            _values.AddOrUpdate(value ?? "(null)", 1, static (_, count) => count + 1);
        }
        catch (CacheClusterException ex)
        {
            // Counted, not thrown: a failing caller is a result of the measurement.
            _failed[index] = true;
            _errors.AddOrUpdate($"{ex.GetType().Name}: {ex.Message}", 1, static (_, count) => count + 1);
        }
        finally
        {
            _latencies[index] = Clock.GetElapsedTime(started);
        }
    }

    private async Task<string?> FactoryAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _factoryRuns);
        _factoryStarts.Enqueue(Clock.GetElapsedTime(_first));
        await Task.Delay(factoryDelay, Clock, cancellationToken);
        _factoryEnds.Enqueue(Clock.GetElapsedTime(_first));
        return _identity;
    }
}
