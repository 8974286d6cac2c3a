namespace CacheCluster.Eviction;

/// <summary>
/// Recency stamps: whole seconds of the cache clock since a fixed origin. Grains stamp on every call with a plain
/// store, the embedded store keeps a stamp per record, and the monitor compares them: no shared state, no lock.
/// </summary>
internal static class Recency
{
    /// <summary>Ages are counted in this many one-second buckets; older entries share the last bucket.</summary>
    public const int Buckets = 4096;

    private static readonly long OriginTicks = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;

    public static int StampOf(DateTimeOffset now)
    {
        var seconds = (now.UtcTicks - OriginTicks) / TimeSpan.TicksPerSecond;
        return seconds <= 0 ? 0 : seconds >= int.MaxValue ? int.MaxValue : (int)seconds;
    }

    /// <summary>The age bucket of a stamp at <paramref name="nowStamp"/>: 0 for this second, up to <see cref="Buckets"/> - 1.</summary>
    public static int AgeBucket(int nowStamp, int lastUsed)
    {
        var age = (long)nowStamp - lastUsed;
        return age <= 0 ? 0 : age >= Buckets - 1 ? Buckets - 1 : (int)age;
    }
}
