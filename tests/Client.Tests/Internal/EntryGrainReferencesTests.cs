using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Internal;

/// <summary>The entry grain references made from a cached grain type are the ones Orleans' <c>GetGrain</c> makes.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class EntryGrainReferencesTests(MemoryClusterFixture fixture)
{
    [Fact]
    public async Task EntryGrainReferences_EveryKey_SameGrainAndInterfaceAsGetGrain_AndCallable()
    {
        var client = fixture.Cluster.Client;
        var prefix = $"refs:{Guid.NewGuid():N}:";
        await fixture.Cluster.Cache.SetBytesAsync(prefix + "2", new CacheValue([7, 8]));

        // The first call takes the types from Orleans' own reference; the later ones are made from them.
        for (var i = 0; i < 3; i++)
        {
            var key = prefix + i;
            var made = (GrainReference)EntryGrainReferences.Get(client, key);
            var expected = (GrainReference)client.GetGrain<ICacheEntryGrain>(key);
            Assert.Equal(expected.GrainId, made.GrainId);
            Assert.Equal(expected.InterfaceType, made.InterfaceType);
            Assert.Equal(key, made.GetPrimaryKeyString());
        }

        var read = await EntryGrainReferences.Get(client, prefix + "2").GetAsync();
        Assert.Equal(new byte[] { 7, 8 }, read.Value!.Data);
    }
}
