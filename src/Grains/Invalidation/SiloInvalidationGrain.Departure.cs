using CacheCluster.Entries;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Invalidation;

/// <summary>A near-cache client that says it is stopping is forgotten at once, with no ping (<see cref="NearCacheClientsGrain"/>).</summary>
internal sealed partial class SiloInvalidationGrain
{
    public async Task<int> ForgetStoppingClientAsync(GrainId client)
    {
        // First the notices, so that a change meanwhile (or a tracked read still in flight) tells it nothing, however
        // long the activations below take (100,000 tracking ones after a large read phase take seconds on a busy silo).
        notices.ForgetClient(client);
        var tracking = entries.All.Where(c => c.GrainInstance is CacheEntryGrain { HasTrackers: true }).ToList();
        if (tracking.Count == 0)
        {
            return 0;
        }

        var forgotten = await Task.WhenAll(tracking.Select(context =>
        {
            var grain = (CacheEntryGrain)context.GrainInstance!;
            return OnSchedulerAsync(context, () => grain.ForgetTrackersOf(client), failed: 0);
        }));
        var count = forgotten.Count(static n => n > 0);
        LogDebugClientStopped(client.ToString(), count);
        return count;
    }

    [LoggerMessage(1046, LogLevel.Debug, "Near-cache client {Client} is stopping: {Entries} entries forgot its trackers")]
    private partial void LogDebugClientStopped(string client, int entries);
}
