namespace CacheCluster.Operations;

/// <summary>One per silo (the key is the silo's address): what that silo keeps for its operators.</summary>
internal interface ISiloOperationsGrain : IGrainWithStringKey
{
    Task<SiloFigures> GetFiguresAsync();

    Task<IReadOnlyList<HotKey>> GetHotKeysAsync(int count);

    Task<IReadOnlyList<SlowOperation>> GetSlowLogAsync(int count);
}
