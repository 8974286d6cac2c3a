using System.Diagnostics;

namespace CacheCluster.Storage;

/// <summary>
/// The entry store's spans. <c>cachecluster.storage.write</c> is one entry command, from its queueing to its answer,
/// a child of the entry grain's write. <c>cachecluster.storage.commit</c> is one call to the store carrying
/// <c>cachecluster.batch.size</c> commands (Redis' group commit); its parent is the first command's span, and it links
/// the others, whose traces it also serves.
/// </summary>
internal static class StorageTracing
{
    internal const string WriteSpan = "cachecluster.storage.write";
    internal const string CommitSpan = "cachecluster.storage.commit";

    /// <summary>Starts a command's span under the caller's current span, leaving the caller's current span as it was.</summary>
    public static Activity? StartWrite(string operation)
    {
        if (!CacheClusterTracing.Source.HasListeners())
        {
            return null;
        }

        var caller = Activity.Current;
        var activity = CacheClusterTracing.Source.StartActivity(WriteSpan, ActivityKind.Internal);
        activity?.Tag(CacheClusterTracing.Operation, operation);

        // The span ends when the command is answered, on the sender's flow; the caller's flow goes on under its own span.
        Activity.Current = caller;
        return activity;
    }

    /// <summary>Starts a commit of one call to the store carrying <paramref name="batchSize"/> commands.</summary>
    public static Activity? StartCommit(int batchSize)
    {
        var activity = CacheClusterTracing.Start(CommitSpan, ActivityKind.Client);
        activity?.Tag(CacheClusterTracing.BatchSize, batchSize);
        return activity;
    }

    /// <summary>Starts the commit of a group of Redis commands: a child of the first command's span, linking the others.</summary>
    public static Activity? StartCommit(List<EntryCommand> batch)
    {
        if (!CacheClusterTracing.Source.HasListeners())
        {
            return null;
        }

        // On the sender's flow, where a stopped command span may be current: the parent is named, never inherited.
        Activity.Current = null;
        var parent = batch[0].Activity?.Context ?? default;
        List<ActivityLink>? links = null;
        for (var i = 1; i < batch.Count; i++)
        {
            if (batch[i].Activity is { } other)
            {
                (links ??= []).Add(new ActivityLink(other.Context));
            }
        }

        var activity = CacheClusterTracing.Source.StartActivity(CommitSpan, ActivityKind.Client, parent, tags: null, links);
        activity?.Tag(CacheClusterTracing.BatchSize, batch.Count);
        activity?.Tag("db.system", "redis");
        return activity;
    }

    /// <summary>Ends a command's span with its outcome (applied, fenced, failed).</summary>
    public static void End(Activity? activity, string outcome, Exception? exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.Tag(CacheClusterTracing.Outcome, outcome);
        if (exception is not null)
        {
            activity.Fail(exception);
        }

        activity.Stop();
    }
}
