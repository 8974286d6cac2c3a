namespace CacheCluster.Expiry;

/// <summary>Housekeeping that the silo's expiry loop runs once per <see cref="Hosting.ExpiryOptions.ExpirySweepInterval"/>.</summary>
internal interface IExpirySweep
{
    Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
