using System.Globalization;

namespace CacheCluster.Tests.Faults;

/// <summary>When each step of a fault test ended, from the test's start: where its wall time goes.</summary>
internal sealed class Phases
{
    private readonly long _started = TimeProvider.System.GetTimestamp();
    private readonly List<string> _marks = [];

    public TimeSpan Elapsed => TimeProvider.System.GetElapsedTime(_started);

    public void Mark(string step) => _marks.Add(string.Create(CultureInfo.InvariantCulture, $"{step} {Elapsed.TotalSeconds:0.0} s"));

    public override string ToString() => string.Join(", ", _marks);
}
