using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CacheCluster.Tests.Fixtures;

/// <summary>Sums the CacheCluster counters published by the given meter scopes (one cluster's silos, one client).</summary>
internal sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();

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
        });
        _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
            _sums.AddOrUpdate(instrument.Name + ".count", 1, (_, sum) => sum + 1));
        _listener.Start();
    }

    /// <summary>Gets the sum of an instrument, or of one tagged series such as <c>cachecluster.entry.hits{state=stale}</c>.</summary>
    public long this[string name] => _sums.GetValueOrDefault(name);

    public void Dispose() => _listener.Dispose();

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
