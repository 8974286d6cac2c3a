using System.Threading.RateLimiting;

namespace CacheCluster;

/// <summary>
/// A <see cref="PartitionedRateLimiter{TResource}"/> over the cluster's limiters, so that ASP.NET Core's
/// <c>AddRateLimiter</c> middleware enforces one limit across all application servers.
/// </summary>
/// <remarks>
/// <see cref="RateLimiter.AttemptAcquire(int)"/> never blocks a thread and never calls the cluster: it returns a
/// failed lease without consuming anything, which makes the middleware go on to the asynchronous
/// <c>AcquireAsync</c>, where the decision is made. Leases carry <see cref="MetadataName.RetryAfter"/> when refused,
/// and the whole decision under <see cref="ClusterRateLimitMetadata.Decision"/>.
/// </remarks>
/// <typeparam name="TResource">What is being limited, such as <c>HttpContext</c>.</typeparam>
public sealed class ClusterPartitionedRateLimiter<TResource> : PartitionedRateLimiter<TResource>
{
    private readonly IClusterRateLimiter _limiter;
    private readonly Func<TResource, ClusterRateLimitPartition?> _partitioner;

    /// <summary>Initializes a new instance of the <see cref="ClusterPartitionedRateLimiter{TResource}"/> class.</summary>
    /// <param name="limiter">The cluster's limiters.</param>
    /// <param name="partitioner">Maps a resource to its policy and identifier, or <see langword="null"/> for "not limited".</param>
    public ClusterPartitionedRateLimiter(IClusterRateLimiter limiter, Func<TResource, ClusterRateLimitPartition?> partitioner)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        ArgumentNullException.ThrowIfNull(partitioner);
        _limiter = limiter;
        _partitioner = partitioner;
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics(TResource resource) => null;

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(TResource resource, int permitCount) =>
        _partitioner(resource) is null ? DecisionLease.Unlimited : DecisionLease.NoSynchronousDecision;

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(TResource resource, int permitCount, CancellationToken cancellationToken)
    {
        if (_partitioner(resource) is not { } partition)
        {
            return DecisionLease.Unlimited;
        }

        var decision = await _limiter.AcquireAsync(partition.Policy, partition.Identifier, permitCount, cancellationToken).ConfigureAwait(false);
        return new DecisionLease(decision);
    }

    private sealed class DecisionLease(RateLimitDecision? decision) : RateLimitLease
    {
        public static readonly DecisionLease Unlimited = new(new RateLimitDecision { Allowed = true });
        public static readonly DecisionLease NoSynchronousDecision = new(null);

        public override bool IsAcquired => decision?.Allowed == true;

        public override IEnumerable<string> MetadataNames =>
            decision is null ? [] : decision.Value.Allowed ? [ClusterRateLimitMetadata.Decision.Name] : [ClusterRateLimitMetadata.Decision.Name, MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            if (decision is not { } d)
            {
                return false;
            }

            if (metadataName == ClusterRateLimitMetadata.Decision.Name)
            {
                metadata = d;
                return true;
            }

            if (metadataName == MetadataName.RetryAfter.Name && !d.Allowed)
            {
                metadata = d.RetryAfter;
                return true;
            }

            return false;
        }
    }
}

/// <summary>Metadata names on the leases of <see cref="ClusterPartitionedRateLimiter{TResource}"/>.</summary>
public static class ClusterRateLimitMetadata
{
    /// <summary>Gets the metadata name under which leases carry the cluster's whole decision.</summary>
    public static MetadataName<RateLimitDecision> Decision { get; } = MetadataName.Create<RateLimitDecision>("CACHECLUSTER_DECISION");
}

/// <summary>The policy and identifier a resource is counted under.</summary>
/// <param name="Policy">A policy configured on the silos.</param>
/// <param name="Identifier">Who is counted.</param>
public sealed record ClusterRateLimitPartition(string Policy, string Identifier);

/// <summary>Creates cluster-wide partitioned limiters.</summary>
public static class ClusterRateLimiterExtensions
{
    /// <summary>Creates a <see cref="PartitionedRateLimiter{TResource}"/> that asks the cluster.</summary>
    /// <typeparam name="TResource">What is being limited.</typeparam>
    /// <param name="limiter">The cluster's limiters.</param>
    /// <param name="partitioner">Maps a resource to its policy and identifier, or <see langword="null"/> for "not limited".</param>
    /// <returns>The limiter.</returns>
    public static PartitionedRateLimiter<TResource> CreatePartitioned<TResource>(this IClusterRateLimiter limiter, Func<TResource, ClusterRateLimitPartition?> partitioner) =>
        new ClusterPartitionedRateLimiter<TResource>(limiter, partitioner);
}
