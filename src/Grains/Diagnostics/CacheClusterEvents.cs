using System.Diagnostics;

namespace CacheCluster.Diagnostics;

/// <summary>
/// Internal events for tests to await (lease granted, parked, filled, released, a fill the store refused handed to the waiters; entry expired). They carry the key,
/// so they never go to logs or metrics.
/// </summary>
internal static class CacheClusterEvents
{
    public const string ListenerName = "CacheCluster.Internal";
    public const string LeaseGranted = "LeaseGranted";
    public const string LeaseWaiting = "LeaseWaiting";
    public const string LeaseFilled = "LeaseFilled";
    public const string LeaseReleased = "LeaseReleased";
    public const string FillHandedOff = "FillHandedOff";
    public const string EntryExpired = "EntryExpired";
    public const string InvalidationApplied = "InvalidationApplied";
    public const string BatchSetApplied = "BatchSetApplied";

    private static readonly DiagnosticListener Listener = new(ListenerName);

    public static void Write(string name, string key)
    {
        if (Listener.IsEnabled(name))
        {
            Listener.Write(name, new CacheClusterEvent(name, key));
        }
    }
}

/// <summary>The payload of a <see cref="CacheClusterEvents"/> event.</summary>
internal sealed record CacheClusterEvent(string Name, string Key);
