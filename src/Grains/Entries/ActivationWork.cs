namespace CacheCluster.Entries;

/// <summary>Work run on an activation's own scheduler, between its turns' steps, without a grain call.</summary>
internal static class ActivationWork
{
    /// <summary>
    /// Runs <paramref name="work"/> on <paramref name="context"/>'s scheduler; answers <paramref name="failed"/> if it
    /// throws, so that the caller can fall back to a grain call.
    /// </summary>
    public static Task<T> RunAsync<T>(IGrainContext context, Func<T> work, T failed)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        context.Scheduler.QueueAction(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                done.SetResult(failed);
            }
        });
        return done.Task;
    }
}
