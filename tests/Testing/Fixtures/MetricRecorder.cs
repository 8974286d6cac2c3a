using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CacheCluster.Tests.Fixtures;

/// <summary>Sums the CacheCluster counters published by the given meter scopes (one cluster's silos, one client).</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();
    private readonly Lock _lock = new();
    private readonly List<(string Name, long Value, TaskCompletionSource Done)> _waits = [];

    public MetricRecorder(IEnumerable<object> scopes)
    {
        var accepted = scopes.ToHashSet();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == CacheClusterDiagnostics.MeterName && instrument.Meter.Scope is { } scope && accepted.Contains(scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            if (tags.Length > 0)
            {
                _sums.AddOrUpdate(Name(instrument.Name, tags), value, (_, sum) => sum + value);
            }

            Check();
        });
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
            _sums.AddOrUpdate(instrument.Name + ".count", 1, (_, sum) => sum + 1));
        _listener.Start();
    }

    /// <summary>Gets the sum of an instrument, or of one tagged series such as <c>cachecluster.entry.hits{state=stale}</c>.</summary>
    public long this[string name] => _sums.GetValueOrDefault(name);

    /// <summary>Completes once the sum named <paramref name="name"/> has reached <paramref name="value"/> (checked at every measurement).</summary>
    public Task WaitForAsync(string name, long value, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waits.Add((name, value, done));
        }

        Check();
        return done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    public void Dispose() => _listener.Dispose();

    private void Check()
    {
        lock (_lock)
        {
            for (var i = _waits.Count - 1; i >= 0; i--)
            {
                if (this[_waits[i].Name] >= _waits[i].Value)
                {
                    _waits[i].Done.TrySetResult();
                    _waits.RemoveAt(i);
                }
            }
        }
    }

    public override string ToString() => string.Join(Environment.NewLine, _sums.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} = {p.Value}"));

    private static string Name(string instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={tag.Value}");
        }

        parts.Sort(StringComparer.Ordinal);
        return $"{instrument}{{{string.Join(',', parts)}}}";
    }
}
