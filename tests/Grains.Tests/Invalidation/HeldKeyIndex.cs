using CacheCluster.Invalidation;

namespace CacheCluster.Tests.Invalidation;

/// <summary>
/// A key index that holds every read made on behalf of a call carrying <see cref="HoldKey"/> in its request context
/// until <see cref="Release"/>, and passes every other read straight through.
/// </summary>
internal sealed class HeldKeyIndex(MemoryKeyIndex inner) : IKeyIndex
{
    public const string HoldKey = "cachecluster.test.hold";

    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _allHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held;

    /// <summary>Gets a task that completes once a held read is waiting on every partition.</summary>
    public Task AllPartitionsHeld => _allHeld.Task;

    public void Release() => _released.TrySetResult();

    public Task AddAsync(IReadOnlyCollection<string> tags, string key, DateTimeOffset? expiresAt, DateTimeOffset now) => inner.AddAsync(tags, key, expiresAt, now);

    public Task RemoveAsync(IReadOnlyCollection<string> tags, string key) => inner.RemoveAsync(tags, key);

    public Task<IReadOnlyList<string>> MembersAsync(string tag, DateTimeOffset now) => inner.MembersAsync(tag, now);

    public async Task<IReadOnlyList<string>> RangeAsync(string partition, string prefix, string? after, int limit, DateTimeOffset now)
    {
        if (RequestContext.Get(HoldKey) is true)
        {
            if (Interlocked.Increment(ref _held) == IKeyIndex.Partitions)
            {
                _allHeld.TrySetResult();
            }

            await _released.Task;
        }

        return await inner.RangeAsync(partition, prefix, after, limit, now);
    }
}
