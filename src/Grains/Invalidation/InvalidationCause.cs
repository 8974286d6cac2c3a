namespace CacheCluster.Invalidation;

/// <summary>
/// Names the invalidation an entry removal belongs to, in the <see cref="RequestContext"/> of the calls that carry it
/// out (tag, key index and entry grains pass it on), so that each entry can remember the last one that touched it.
/// </summary>
internal static class InvalidationCause
{
    private const string Key = "cachecluster.invalidation";

    /// <summary>Runs <paramref name="removal"/> with the cause set; the change stays inside this async call.</summary>
    public static async Task<long> RunAsync(string cause, Func<Task<long>> removal)
    {
        RequestContext.Set(Key, cause);
        try
        {
            return await removal();
        }
        finally
        {
            RequestContext.Remove(Key);
        }
    }

    /// <summary>Gets the cause of the current call, or <see langword="null"/> when it is not part of an invalidation.</summary>
    public static string? Current => RequestContext.Get(Key) as string;
}
