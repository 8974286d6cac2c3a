namespace CacheCluster.Eviction;

/// <summary>The process memory the eviction monitor reads: a seam, so that tests can drive it.</summary>
internal interface IProcessMemory
{
    /// <summary>Gets the process's resident set (RSS), in bytes.</summary>
    long ResidentBytes();

    /// <summary>Gets the managed heap's size after the last garbage collection, in bytes.</summary>
    long ManagedHeapBytes();

    /// <summary>Collects garbage now and gives freed memory back to the OS.</summary>
    void Collect();
}

/// <summary>This process's memory.</summary>
internal sealed class ProcessMemory : IProcessMemory
{
    public long ResidentBytes() => Environment.WorkingSet;

    public long ManagedHeapBytes() => GC.GetGCMemoryInfo().HeapSizeBytes;

    public void Collect() => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
