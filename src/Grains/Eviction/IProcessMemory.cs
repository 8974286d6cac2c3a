namespace CacheCluster.Eviction;

/// <summary>The process memory the eviction monitor reads: a seam, so that tests can drive it.</summary>
internal interface IProcessMemory
{
    /// <summary>Gets the process's resident set (RSS), in bytes.</summary>
    long ResidentBytes();

    /// <summary>Gets the managed heap's size after the last garbage collection, in bytes.</summary>
    long ManagedHeapBytes();

    /// <summary>
    /// Collects garbage now, blocking and compacting, and gives freed memory back to the OS: for the memory bound, which
    /// reads the resident set again right after it to decide what must go, and after an idle sweep once the silo is quiet.
    /// </summary>
    void Collect();

    /// <summary>
    /// Starts a full collection in the background (the silo keeps serving): after an idle sweep while the silo is busy. It
    /// sweeps without compacting, so most freed memory stays resident until a compaction.
    /// </summary>
    void CollectInBackground();
}

/// <summary>This process's memory.</summary>
internal sealed class ProcessMemory : IProcessMemory
{
    public long ResidentBytes() => Environment.WorkingSet;

    public long ManagedHeapBytes() => GC.GetGCMemoryInfo().HeapSizeBytes;

    public void Collect() => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    // Not blocking, not compacting: a forced compacting collection of a heap of a few GB after an idle sweep stopped the
    // silo for 4-12 s on a busy 2-core machine (dotnet-counters during S2's sweep of 100,000 entries): every call in that
    // time timed out. A background collection frees the dead activations' regions while requests run.
    public void CollectInBackground() => GC.Collect(2, GCCollectionMode.Forced, blocking: false, compacting: false);
}
