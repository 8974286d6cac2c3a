namespace CacheCluster;

/// <summary>Where an entry stands against its soft and hard expiry.</summary>
public enum CacheEntryState : byte
{
    /// <summary>The key does not exist (never written, removed, or past its hard expiry).</summary>
    Missing = 0,

    /// <summary>The entry exists and is within its soft expiry.</summary>
    Fresh = 1,

    /// <summary>The entry is past its soft expiry but within its hard expiry: readable, marked stale.</summary>
    Stale = 2,
}

/// <summary>What a key holds.</summary>
public enum CacheEntryKind : byte
{
    /// <summary>A single value of bytes.</summary>
    Value = 0,

    /// <summary>A list of values.</summary>
    List = 1,
}
