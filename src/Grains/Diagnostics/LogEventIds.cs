namespace CacheCluster.Diagnostics;

/// <summary>
/// Where <c>[LoggerMessage]</c> event ids come from: one range per feature, so that an id names one event in its
/// assembly and stays unique when a feature's code moves. Each attribute writes its id as a literal; a new event takes
/// the next free id in its feature's range.
/// </summary>
/// <remarks>
/// <para>CacheCluster.Grains: 1000 Entries (1001–1006 CacheEntryGrain, 1040 .Tracking), 1100 Expiry, 1200 Eviction,
/// 1300 Invalidation (1301–1304 stream partition, 1311 keeper, 1320 publisher), 1400 RateLimiting, 1600 Storage (1601–1603 WriteBehindQueue),
/// 1700 Hosting.</para>
/// <para>CacheCluster.Client: 1–9 invalidation subscription, 10–19 GetOrSet, 20–29 ClusterCache, 30–39 rate limiting.</para>
/// <para>CacheCluster.Http: 1–9 Auth, 10–19 Problems, 1500 Cdn (1501–1503 CdnPurgeSender, 1511–1513 CdnPurgerGrain,
/// 1521 CdnPurgerKeeper).</para>
/// </remarks>
internal static class LogEventIds
{
    public const int Entries = 1000;
    public const int Expiry = 1100;
    public const int Eviction = 1200;
    public const int Invalidation = 1300;
    public const int RateLimiting = 1400;
    public const int Storage = 1600;
    public const int Hosting = 1700;
}
