namespace CacheCluster;

/// <summary>When a write is acknowledged: once Redis has it, or once the key's grain has it.</summary>
/// <remarks>
/// In embedded mode (no Redis) every write is stored in the silo's memory before it is acknowledged, so both values
/// behave as <see cref="Stored"/> there.
/// </remarks>
public enum CacheDurability : byte
{
    /// <summary>Acknowledged once Redis has stored it (and its tag and key-index registrations). Survives a crash of the silo.</summary>
    Stored = 0,

    /// <summary>
    /// Acknowledged once the key's grain has it; written to Redis with other keys' writes in one batch within the silo's
    /// <c>CacheCluster:MaxWriteDelay</c>. A crash of the silo (kill -9, power loss) loses at most the writes of that window,
    /// as Redis' own <c>appendfsync everysec</c> does; a graceful stop and an entry's deactivation write them first.
    /// </summary>
    WriteBehind = 1,
}
