namespace CacheCluster.Internal;

/// <summary>Turns Orleans' transport failures into <see cref="CacheClusterUnavailableException"/>.</summary>
internal static class ClusterErrors
{
    /// <summary>Orleans messages can carry a whole inner stack trace; one line is what a person needs.</summary>
    public static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return (end < 0 ? message : message[..end]).TrimEnd();
    }

    public static bool IsUnavailable(Exception exception) =>
        exception is OrleansException or TimeoutException or System.Net.Sockets.SocketException
        || (exception is InvalidOperationException && exception.Source?.StartsWith("Orleans", StringComparison.Ordinal) == true);

    public static CacheClusterUnavailableException Unavailable(Exception exception, string key, ClusterOperation operation) =>
        new($"The cluster did not complete {operation.Name}: {exception.GetType().Name}: {FirstLine(exception.Message)}{(operation.IsWrite ? " The outcome is unknown." : string.Empty)}", exception)
        {
            Key = CacheKey.Describe(key),
            Operation = operation.Name,
        };
}
