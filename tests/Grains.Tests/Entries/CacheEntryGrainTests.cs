using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Entries;

[Collection(MemoryClusterCollection.Name)]
public sealed class CacheEntryGrainTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    [Fact]
    public async Task Set_ThenGet_ReturnsValueContentTypeAndVersion()
    {
        var key = CacheTestCluster.NewKey();

        var write = await Cache.SetAsync(key, new Order(7, "open"));
        var read = await Cache.TryGetAsync<Order>(key);
        var raw = await Cache.TryGetBytesAsync(key);

        Assert.Equal(CacheWriteOutcome.Created, write.Outcome);
        Assert.True(read.Found);
        Assert.Equal(new Order(7, "open"), read.Value);
        Assert.Equal(CacheEntryState.Fresh, read.State);
        Assert.Equal(write.Version, read.Version);
        Assert.Equal("application/json", raw.Value!.ContentType);
        Assert.Equal(_cluster.Clock.GetUtcNow(), read.LastModified);
        Assert.Null(read.ExpiresAt);
    }

    [Fact]
    public async Task Get_MissingKey_IsNotFound()
    {
        var read = await Cache.TryGetAsync<string>(CacheTestCluster.NewKey());

        Assert.False(read.Found);
        Assert.Equal(CacheEntryState.Missing, read.State);
        Assert.Null(read.Value);
    }

    [Fact]
    public async Task Set_Overwrite_IncrementsVersionByOne()
    {
        var key = CacheTestCluster.NewKey();

        var first = await Cache.SetAsync(key, "a");
        var second = await Cache.SetAsync(key, "b");

        Assert.Equal(CacheWriteOutcome.Replaced, second.Outcome);
        Assert.Equal(first.Version + 1, second.Version);
        Assert.Equal("b", (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task Set_AfterDelete_VersionNeverGoesBack()
    {
        var key = CacheTestCluster.NewKey();
        var first = await Cache.SetAsync(key, "a");
        await Cache.SetAsync(key, "b");

        Assert.True(await Cache.RemoveAsync(key));
        var recreated = await Cache.SetAsync(key, "c");

        Assert.Equal(CacheWriteOutcome.Created, recreated.Outcome);
        Assert.True(recreated.Version > first.Version + 1, "a re-created entry must not reuse an old version (ABA)");
    }

    [Fact]
    public async Task Strings_AndBytes_AreStoredRaw()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "héllo");

        var raw = await Cache.TryGetBytesAsync(key);

        Assert.Equal("héllo"u8.ToArray(), raw.Value!.Data);
        Assert.Equal("text/plain; charset=utf-8", raw.Value.ContentType);
        await Cache.SetAsync(key, new byte[] { 0, 1, 255 });
        Assert.Equal(new byte[] { 0, 1, 255 }, (await Cache.TryGetAsync<byte[]>(key)).Value);
    }

    [Fact]
    public async Task SetIfNotExists_OnExistingKey_WritesNothing()
    {
        var key = CacheTestCluster.NewKey();
        var original = await Cache.SetAsync(key, "original");

        var result = await Cache.SetAsync(key, "other", condition: CacheWriteCondition.IfNotExists);

        Assert.False(result.Written);
        Assert.Equal(CacheWriteOutcome.KeyExists, result.Outcome);
        Assert.Equal(original.Version, result.Version);
        Assert.Equal("original", (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task SetIfNotExists_OnMissingKey_Creates()
    {
        var key = CacheTestCluster.NewKey();

        var result = await Cache.SetAsync(key, "v", condition: CacheWriteCondition.IfNotExists);

        Assert.Equal(CacheWriteOutcome.Created, result.Outcome);
    }

    [Fact]
    public async Task SetIfExists_OnMissingKey_WritesNothing()
    {
        var key = CacheTestCluster.NewKey();

        var result = await Cache.SetAsync(key, "v", condition: CacheWriteCondition.IfExists);

        Assert.Equal(CacheWriteOutcome.KeyMissing, result.Outcome);
        Assert.False(await Cache.ExistsAsync(key));
    }

    [Fact]
    public async Task SetIfExists_OnExistingKey_Replaces()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "a");

        var result = await Cache.SetAsync(key, "b", condition: CacheWriteCondition.IfExists);

        Assert.Equal(CacheWriteOutcome.Replaced, result.Outcome);
        Assert.Equal("b", (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task CompareAndSet_WithCurrentVersion_Writes()
    {
        var key = CacheTestCluster.NewKey();
        var first = await Cache.SetAsync(key, "a");

        var second = await Cache.SetAsync(key, "b", condition: CacheWriteCondition.IfVersion(first.Version));

        Assert.Equal(CacheWriteOutcome.Replaced, second.Outcome);
        Assert.Equal(first.Version + 1, second.Version);
    }

    [Fact]
    public async Task CompareAndSet_WithStaleVersion_ThrowsConflictAndKeepsValue()
    {
        var key = CacheTestCluster.NewKey();
        var first = await Cache.SetAsync(key, "a");
        var second = await Cache.SetAsync(key, "b");

        var error = await Assert.ThrowsAsync<CacheVersionConflictException>(
            () => Cache.SetAsync(key, "c", condition: CacheWriteCondition.IfVersion(first.Version)));

        Assert.Equal(first.Version, error.ExpectedVersion);
        Assert.Equal(second.Version, error.CurrentVersion);
        var read = await Cache.TryGetAsync<string>(key);
        Assert.Equal("b", read.Value);
        Assert.Equal(second.Version, read.Version);
    }

    [Fact]
    public async Task CompareAndSet_OnGrain_ReturnsMismatchResult()
    {
        var key = CacheTestCluster.NewKey();
        var first = await _cluster.Grain(key).SetAsync(new CacheValue([1]), null, CacheWriteCondition.Always);

        var result = await _cluster.Grain(key).SetAsync(new CacheValue([2]), null, CacheWriteCondition.IfVersion(first.Version + 5));

        Assert.Equal(new CacheWriteResult(CacheWriteOutcome.VersionMismatch, first.Version), result);
    }

    [Fact]
    public async Task CompareAndSet_OnMissingKey_Conflicts()
    {
        var error = await Assert.ThrowsAsync<CacheVersionConflictException>(
            () => Cache.SetAsync(CacheTestCluster.NewKey(), "x", condition: CacheWriteCondition.IfVersion(1)));

        Assert.Equal(0, error.CurrentVersion);
    }

    [Fact]
    public async Task CompareAndSet_ManyConcurrentWritersFromSeveralClients_ExactlyOneWins()
    {
        var key = CacheTestCluster.NewKey();
        var start = await Cache.SetAsync(key, 0);
        var caches = new[] { Cache, CacheTestCluster.NewCache(_cluster.Client) };

        var attempts = Enumerable.Range(0, 50).Select(async i =>
        {
            try
            {
                await caches[i % 2].SetAsync(key, i, condition: CacheWriteCondition.IfVersion(start.Version));
                return true;
            }
            catch (CacheVersionConflictException)
            {
                return false;
            }
        });

        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(won => won));
        Assert.Equal(start.Version + 1, (await Cache.TryGetAsync<int>(key)).Version);
    }

    [Fact]
    public async Task Delete_RemovesOnce()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, "v");

        Assert.True(await Cache.ExistsAsync(key));
        Assert.True(await Cache.RemoveAsync(key));
        Assert.False(await Cache.RemoveAsync(key));
        Assert.False(await Cache.ExistsAsync(key));
        Assert.False((await Cache.TryGetAsync<string>(key)).Found);
    }

    [Fact]
    public async Task Increment_MissingKey_StartsFromZero()
    {
        var key = CacheTestCluster.NewKey();

        Assert.Equal(5, await Cache.IncrementAsync(key, 5));
        Assert.Equal(3, await Cache.IncrementAsync(key, -2));
        Assert.Equal(3L, (await Cache.TryGetAsync<long>(key)).Value);
        Assert.Equal("3", (await Cache.TryGetAsync<string>(key)).Value);
    }

    [Fact]
    public async Task Increment_JsonNumberWrittenByClient_Works()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.SetAsync(key, 41L);

        Assert.Equal(42, await Cache.IncrementAsync(key));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData(" 1")]
    [InlineData("99999999999999999999")]
    public async Task Increment_NonIntegerValue_ThrowsAndKeepsValue(string stored)
    {
        var key = CacheTestCluster.NewKey();
        var write = await Cache.SetAsync(key, stored);

        await Assert.ThrowsAsync<CacheValueNotIntegerException>(() => Cache.IncrementAsync(key));

        var read = await Cache.TryGetAsync<string>(key);
        Assert.Equal(stored, read.Value);
        Assert.Equal(write.Version, read.Version);
    }

    [Fact]
    public async Task Increment_Overflow_ThrowsAndKeepsValue()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.IncrementAsync(key, long.MaxValue);

        var error = await Assert.ThrowsAsync<CacheIntegerOverflowException>(() => Cache.IncrementAsync(key));

        Assert.Contains("overflows", error.Message, StringComparison.Ordinal);
        Assert.Equal(long.MaxValue, (await Cache.TryGetAsync<long>(key)).Value);
    }

    [Fact]
    public async Task Increment_Underflow_ThrowsAndKeepsValue()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.IncrementAsync(key, long.MinValue);

        await Assert.ThrowsAsync<CacheIntegerOverflowException>(() => Cache.IncrementAsync(key, -1));

        Assert.Equal(long.MinValue, (await Cache.TryGetAsync<long>(key)).Value);
    }

    [Fact]
    public async Task Increment_KeepsExistingExpiry()
    {
        var key = CacheTestCluster.NewKey();
        await Cache.IncrementAsync(key, 1, new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(1) });
        _cluster.Clock.Advance(TimeSpan.FromSeconds(10));

        await Cache.IncrementAsync(key);

        Assert.Equal(TimeSpan.FromSeconds(50), (await Cache.GetTimeToLiveAsync(key)).TimeToLive);
    }

    [Fact]
    public async Task Info_ReportsMetadataAndTags()
    {
        var key = CacheTestCluster.NewKey();
        var write = await Cache.SetAsync(key, "12345", new CacheEntryOptions { TimeToLive = TimeSpan.FromMinutes(10), FreshFor = TimeSpan.FromMinutes(2), Tags = ["user:42", "users", "user:42"] });
        var now = _cluster.Clock.GetUtcNow();

        var info = await Cache.GetInfoAsync(key);

        Assert.NotNull(info);
        Assert.Equal(CacheEntryKind.Value, info.Kind);
        Assert.Equal(CacheEntryState.Fresh, info.State);
        Assert.Equal(write.Version, info.Version);
        Assert.Equal(5, info.SizeBytes);
        Assert.Equal(1, info.Length);
        Assert.Equal(now + TimeSpan.FromMinutes(2), info.FreshUntil);
        Assert.Equal(now + TimeSpan.FromMinutes(10), info.ExpiresAt);
        Assert.Equal(["user:42", "users"], info.Tags);
        Assert.Null(await Cache.GetInfoAsync(CacheTestCluster.NewKey()));
    }

    private sealed record Order(int Id, string Status);
}
