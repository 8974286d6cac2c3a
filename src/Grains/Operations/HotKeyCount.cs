namespace CacheCluster.Operations;

/// <summary>One key of the hot-key table: the key, its 64-bit hash, and its estimated (decayed) access count.</summary>
internal readonly record struct HotKeyCount(string Key, ulong Hash, int Count);
