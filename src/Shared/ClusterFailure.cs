// Shared source: compiled as an internal copy into each project that needs it (Grains, Client, Http, the CLI);
// no project sees another's copy, and none needs InternalsVisibleTo.
namespace CacheCluster;

/// <summary>How a failed call to the cluster is recognised and described, the same way in every host.</summary>
internal static class ClusterFailure
{
    /// <summary>
    /// Whether <paramref name="exception"/> is Orleans' transport failing (no silo reached, no answer in time, a
    /// connection lost) rather than an error the called grain threw.
    /// </summary>
    public static bool IsTransport(Exception exception) =>
        exception is OrleansException or TimeoutException or System.Net.Sockets.SocketException
        || (exception is InvalidOperationException && exception.Source?.StartsWith("Orleans", StringComparison.Ordinal) == true);

    /// <summary>Orleans and Redis messages can carry a whole inner stack trace; one line is what a person needs.</summary>
    public static string FirstLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return (end < 0 ? message : message[..end]).TrimEnd();
    }
}
