namespace CacheCluster.Internal;

/// <summary>Turns Orleans' transport failures into <see cref="CacheClusterUnavailableException"/>.</summary>
internal static class ClusterErrors
{
    public static bool IsWrite(string operation) =>
        operation is not ("Get" or "Exists" or "TimeToLive" or "Info" or "ListRange" or "ListLength");

    public static bool IsUnavailable(Exception exception) =>
        exception is OrleansException or TimeoutException or System.Net.Sockets.SocketException
        || (exception is InvalidOperationException && exception.Source?.StartsWith("Orleans", StringComparison.Ordinal) == true);

    public static CacheClusterUnavailableException Unavailable(Exception exception, string key, string operation) =>
        new($"The cluster did not complete {operation}: {exception.GetType().Name}: {ErrorText.FirstLine(exception.Message)}{(IsWrite(operation) ? " The outcome is unknown." : string.Empty)}", exception)
        {
            Key = CacheKey.Describe(key),
            Operation = operation,
        };
}
