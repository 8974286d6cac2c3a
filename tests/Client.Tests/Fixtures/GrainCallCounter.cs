using System.Diagnostics;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// Counts the grain calls this client sends under one trace: the test runs its callers inside <see cref="Root"/>, and
/// Orleans' client span (one per outgoing call, named for the grain method) is counted by method name.
/// </summary>
internal sealed class GrainCallCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _calls = new(StringComparer.Ordinal);

    public GrainCallCounter()
    {
        Root = new Activity("grain-call-counter").SetIdFormat(ActivityIdFormat.W3C).Start();
        var trace = Root.TraceId;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.Orleans.Application",
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.TraceId == trace && options.Kind == ActivityKind.Client ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStarted = activity =>
            {
                lock (_lock)
                {
                    _calls[activity.OperationName] = _calls.GetValueOrDefault(activity.OperationName) + 1;
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Gets the span the counted callers run under (it is <see cref="Activity.Current"/> after construction).</summary>
    public Activity Root { get; }

    /// <summary>How many calls of a grain method whose name contains <paramref name="method"/> were sent.</summary>
    public int Calls(string method)
    {
        lock (_lock)
        {
            return _calls.Where(c => c.Key.Contains(method, StringComparison.Ordinal)).Sum(c => c.Value);
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        Root.Stop();
    }
}
