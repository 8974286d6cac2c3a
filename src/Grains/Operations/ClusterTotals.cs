namespace CacheCluster.Operations;

/// <summary>The cluster's totals, summed over the silos that answered, as <c>cachecluster stats</c> prints them.</summary>
public sealed record ClusterTotals
{
    /// <summary>Gets the silos in the membership table that are Active.</summary>
    public int ActiveSilos { get; init; }

    /// <summary>Gets the silos that answered (their figures are summed here).</summary>
    public int ReportingSilos { get; init; }

    /// <summary>Gets the entry activations in memory.</summary>
    public long ActiveEntries { get; init; }

    /// <summary>Gets the embedded stores' records, or <see langword="null"/> in Redis mode.</summary>
    public long? ResidentRecords { get; init; }

    /// <summary>Gets the silos' resident memory (RSS), in bytes.</summary>
    public long RssBytes { get; init; }

    /// <summary>Gets the reads that found their key.</summary>
    public long Hits { get; init; }

    /// <summary>Gets the reads that found no key.</summary>
    public long Misses { get; init; }

    /// <summary>Gets hits ÷ (hits + misses), or <see langword="null"/> before the first read.</summary>
    public double? HitRatio { get; init; }

    /// <summary>Gets the entry operations per second over the last minute.</summary>
    public double OpsPerSecond { get; init; }

    /// <summary>Gets the entries made to leave memory at the silos' bounds.</summary>
    public long Evictions { get; init; }

    /// <summary>Gets the leases out now.</summary>
    public long LeasesInFlight { get; init; }

    /// <summary>Gets the rate-limit requests allowed.</summary>
    public long RateLimitAllowed { get; init; }

    /// <summary>Gets the rate-limit requests limited.</summary>
    public long RateLimitLimited { get; init; }

    /// <summary>Gets the invalidation events accepted and not yet applied.</summary>
    public long InvalidationPending { get; init; }

    /// <summary>Gets the longest wait of a pending invalidation event, in seconds.</summary>
    public double InvalidationLagSeconds { get; init; }

    /// <summary>Gets the operations the silos' slow logs have taken.</summary>
    public long SlowOperations { get; init; }

    /// <summary>Sums the figures of the silos that have them.</summary>
    /// <param name="silos">The silos.</param>
    /// <returns>The totals.</returns>
    public static ClusterTotals Of(IReadOnlyCollection<SiloReport> silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        var figures = silos.Select(silo => silo.Figures).OfType<SiloFigures>().ToList();
        var hits = figures.Sum(f => f.Hits);
        var misses = figures.Sum(f => f.Misses);
        return new ClusterTotals
        {
            ActiveSilos = silos.Count(silo => silo.Status == nameof(SiloStatus.Active)),
            ReportingSilos = figures.Count,
            ActiveEntries = figures.Sum(f => f.ActiveEntries),
            ResidentRecords = figures.Any(f => f.ResidentRecords is not null) ? figures.Sum(f => f.ResidentRecords ?? 0) : null,
            RssBytes = figures.Sum(f => f.RssBytes),
            Hits = hits,
            Misses = misses,
            HitRatio = hits + misses == 0 ? null : hits / (double)(hits + misses),
            OpsPerSecond = figures.Sum(f => f.OpsPerSecond),
            Evictions = figures.Sum(f => f.Evictions),
            LeasesInFlight = figures.Sum(f => f.LeasesInFlight),
            RateLimitAllowed = figures.Sum(f => f.RateLimitAllowed),
            RateLimitLimited = figures.Sum(f => f.RateLimitLimited),
            InvalidationPending = figures.Sum(f => f.Invalidation.Sum(p => p.Pending)),
            InvalidationLagSeconds = figures.SelectMany(f => f.Invalidation).Select(p => p.LagSeconds).DefaultIfEmpty(0).Max(),
            SlowOperations = figures.Sum(f => f.SlowOperations),
        };
    }
}
