namespace CacheCluster.Internal;

/// <summary>Turns Orleans' transport failures into <see cref="CacheClusterUnavailableException"/>.</summary>
internal static class ClusterErrors
{
    public static bool IsUnavailable(Exception exception) => ClusterFailure.IsTransport(exception);

    public static CacheClusterUnavailableException Unavailable(Exception exception, string key, ClusterOperation operation) =>
        new($"The cluster did not complete {operation.Name}: {exception.GetType().Name}: {ClusterFailure.FirstLine(exception.Message)}{(operation.IsWrite ? " The outcome is unknown." : string.Empty)}", exception)
        {
            Key = CacheKey.Describe(key),
            Operation = operation.Name,
        };
}
