// Shared source: compiled as an internal copy into each project that starts spans (Client, Grains, Http); every copy
// uses the same source name, so a listener of CacheClusterDiagnostics.ActivitySourceName hears them all.
using System.Diagnostics;

namespace CacheCluster;

/// <summary>
/// CacheCluster's <see cref="ActivitySource"/> and the names of its spans' attributes. A span starts only when someone
/// listens (<see cref="ActivitySource.HasListeners"/>); otherwise <c>Start</c> returns <see langword="null"/>
/// after one check, and the call sites' <c>activity?.</c> does nothing. Attributes that cost something to compute (a
/// key's hash) are set only when the span is recorded (<see cref="Activity.IsAllDataRequested"/>).
/// </summary>
internal static class CacheClusterTracing
{
    /// <summary>What the operation came to: hit, miss, lease, wait, fallback for GetOrSet; per span otherwise.</summary>
    public const string Outcome = "cachecluster.outcome";

    /// <summary>The key's hash (<see cref="CacheKey.Hash"/>), never the key: keys may hold personal data.</summary>
    public const string KeyHash = "cachecluster.key.hash";

    /// <summary>The operation (Set, Delete, Increment...) of a write span.</summary>
    public const string Operation = "cachecluster.operation";

    /// <summary>The partition: of the key index for an entry write, of the invalidation stream for a fan-out.</summary>
    public const string Partition = "cachecluster.partition";

    /// <summary>How many commands, keys or requests one call carries (a storage commit, a fan-out, a CDN purge).</summary>
    public const string BatchSize = "cachecluster.batch.size";

    /// <summary>The source is created once per process and copy, and never disposed.</summary>
    public static ActivitySource Source { get; } = new(CacheClusterDiagnostics.ActivitySourceName, "1.0.0");

    /// <summary>Starts a span, or returns <see langword="null"/> at once when nobody listens.</summary>
    public static Activity? Start(string name, ActivityKind kind = ActivityKind.Internal) =>
        Source.HasListeners() ? Source.StartActivity(name, kind) : null;

    /// <summary>Starts a span about one key, tagged with its hash when recorded.</summary>
    public static Activity? Start(string name, string? key, ActivityKind kind = ActivityKind.Internal)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(name, kind);
        if (activity is { IsAllDataRequested: true } && key is not null)
        {
            activity.SetTag(KeyHash, CacheKey.Hash(key));
        }

        return activity;
    }

    /// <summary>Sets an attribute when the span is recorded; for values that are ready anyway (no formatting).</summary>
    public static void Tag(this Activity? activity, string name, object? value)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(name, value);
        }
    }

    /// <summary>Marks the span failed with the exception's type (its message may hold data, so it is left out).</summary>
    public static void Fail(this Activity? activity, Exception exception)
    {
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            activity.SetTag("error.type", exception.GetType().FullName);
        }
    }
}
