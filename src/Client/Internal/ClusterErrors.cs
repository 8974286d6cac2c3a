namespace CacheCluster.Internal;

/// <summary>Turns Orleans' transport failures into <see cref="CacheClusterUnavailableException"/>.</summary>
internal static class ClusterErrors
{
    public static bool IsUnavailable(Exception exception) =>
        exception is OrleansException or TimeoutException or System.Net.Sockets.SocketException
        || (exception is InvalidOperationException && exception.Source?.StartsWith("Orleans", StringComparison.Ordinal) == true);

    public static CacheClusterUnavailableException Unavailable(Exception exception, string key, string operation) =>
        new($"The cluster did not complete {operation}: {exception.GetType().Name}: {exception.Message.TrimEnd()} The outcome is unknown.", exception)
        {
            Key = CacheKey.Describe(key),
            Operation = operation,
        };
}
