using System.Diagnostics;
using CacheCluster.Invalidation;

namespace CacheCluster.Entries;

/// <summary>
/// The entry grain's spans (<see cref="CacheClusterTracing"/>), children of Orleans' span for the grain call: a read,
/// a lookup (GetOrSet's grain side) and a write down to its storage commit, each with the key's hash.
/// </summary>
internal sealed partial class CacheEntryGrain
{
    internal const string GetSpan = "cachecluster.entry.get";
    internal const string GetOrLeaseSpan = "cachecluster.entry.get_or_lease";
    internal const string WriteSpan = "cachecluster.entry.write";

    /// <summary>The lookup under a span: outcome hit, lease (fill or refresh granted), wait (this call waited), or the lookup's own.</summary>
    private async Task<CacheLookup> TracedGetOrLeaseAsync(CacheLeaseRequest request)
    {
        using var activity = CacheClusterTracing.Start(GetOrLeaseSpan, _key);
        try
        {
            var lookup = await LookUpAsync(request);
            activity?.Tag(CacheClusterTracing.Outcome, lookup switch
            {
                { Waited: true } => "wait",
                { Outcome: CacheLookupOutcome.LeaseGranted } => "lease",
                { Outcome: CacheLookupOutcome.Hit, Lease: not null } => "lease",
                { Outcome: CacheLookupOutcome.Hit } => "hit",
                _ => lookup.Outcome.ToString(),
            });
            activity?.Tag("cachecluster.lease.kind", lookup.Lease?.Kind.ToString());
            return lookup;
        }
        catch (Exception ex)
        {
            activity?.Fail(ex);
            throw;
        }
    }

    /// <summary>A write's span: its operation and the key index partition its registration goes to.</summary>
    private Activity? StartWriteSpan(string operation)
    {
        var activity = CacheClusterTracing.Start(WriteSpan, _key);
        activity?.Tag(CacheClusterTracing.Operation, operation);
        activity?.Tag(CacheClusterTracing.Partition, IKeyIndex.PartitionOf(_key));
        return activity;
    }
}
