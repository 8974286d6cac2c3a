// Shared source: compiled into CacheCluster.Client and CacheCluster.Grains (one internal copy each; neither project
// sees the other). The CLI, the HTTP edge and the silo host use the copy of the project they build on.
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
