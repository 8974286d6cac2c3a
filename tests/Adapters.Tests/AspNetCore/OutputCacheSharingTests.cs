using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CacheCluster.Invalidation;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.AspNetCore;

/// <summary>The real output caching middleware in two application instances over one cluster: sharing and eviction.</summary>
[Collection(OutputCacheCollection.Name)]
public sealed class OutputCacheSharingTests(OutputCacheFixture fixture)
{
    private OutputCacheApp A => fixture.A;

    private OutputCacheApp B => fixture.B;

    [Fact]
    public async Task OutputCache_CachedByInstanceA_ServedByInstanceBWithoutRunningItsHandler()
    {
        var id = NewId();

        var first = await A.GetAsync($"/items/{id}");
        var second = await B.GetAsync($"/items/{id}");

        Assert.Equal($"A:{id}:1", first);
        Assert.Equal(first, second);
        Assert.Equal(1, A.Calls(id));
        Assert.Equal(0, B.Calls(id));
    }

    [Fact]
    public async Task OutputCache_Entry_StoredUnderThePrefixWithTheMiddlewaresKeyEscaped()
    {
        var id = NewId();

        await A.GetAsync($"/items/{id}");

        // The middleware's key is METHOD, SCHEME, HOST+PATH (upper-cased) and the default policy's vary-by-every-query
        // segment ("Q", "*="), joined by U+001E, which the store escapes as %1E.
        var read = await fixture.Cluster.Cache.TryGetBytesAsync($"__outputcache:GET%1EHTTP%1ELOCALHOST/ITEMS/{id.ToUpperInvariant()}%1EQ%1E*=");
        Assert.True(read.Found);
        Assert.Equal(["entity:" + id], read.Tags);
        Assert.Equal("application/vnd.cachecluster.output-cache", read.Value!.ContentType);
    }

    [Fact]
    public async Task OutputCache_EvictByTagOnA_EvictsForBothInstancesAtOnce()
    {
        var id = NewId();
        Assert.Equal($"A:{id}:1", await A.GetAsync($"/items/{id}"));
        Assert.Equal($"B:{id}:1", await B.GetAsync($"/short/{id}"));
        Assert.Equal($"A:{id}:1", await B.GetAsync($"/items/{id}"));
        Assert.Equal($"B:{id}:1", await A.GetAsync($"/short/{id}"));

        await A.Store.EvictByTagAsync("entity:" + id, default);

        // Both responses are gone for both instances: each next request runs the handler of the instance it reaches.
        Assert.Equal($"B:{id}:2", await B.GetAsync($"/items/{id}"));
        Assert.Equal($"A:{id}:2", await A.GetAsync($"/short/{id}"));
        Assert.Equal(2, A.Calls(id));
        Assert.Equal(2, B.Calls(id));
    }

    [Fact]
    public async Task OutputCache_RemoveByTagOnTheClusterCache_EvictsTheResponse()
    {
        var id = NewId();
        await A.GetAsync($"/items/{id}");

        var removed = await fixture.Cluster.Cache.RemoveByTagAsync("entity:" + id);

        Assert.Equal(1, removed);
        Assert.Equal($"B:{id}:1", await B.GetAsync($"/items/{id}"));
    }

    [Fact]
    public async Task OutputCache_DomainEventWhoseRuleNamesTheTag_EvictsTheResponse()
    {
        var id = NewId();
        await A.GetAsync($"/items/{id}");
        Assert.Equal($"A:{id}:1", await B.GetAsync($"/items/{id}"));

        // TestRules.Tagged ("test.tagged") invalidates the tag entity:{id}.
        var receipt = await fixture.Cluster.Cache.PublishAsync(DomainEvent.Create(TestRules.Tagged, new { id }, fixture.Cluster.Clock));
        await fixture.Cluster.Client.GetGrain<IInvalidationStreamGrain>(receipt.Partition).WaitForAppliedAsync(receipt.Sequence);

        Assert.True(receipt.Matched);
        Assert.Equal($"B:{id}:1", await B.GetAsync($"/items/{id}"));
        Assert.Equal(1, A.Calls(id));
    }

    [Fact]
    public async Task OutputCache_PostV1InvalidateWithTheTag_EvictsTheResponse()
    {
        var id = NewId();
        await A.GetAsync($"/items/{id}");
        Assert.Equal($"A:{id}:1", await B.GetAsync($"/items/{id}"));

        using var response = await fixture.Http.Client.PostAsJsonAsync("/v1/invalidate", new { tags = new[] { "entity:" + id } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("invalidated").GetInt64());
        Assert.Equal($"B:{id}:1", await B.GetAsync($"/items/{id}"));
    }

    [Fact]
    public async Task OutputCache_ValidForPassesOnTheClusterClock_ResponseExpiresForBothInstances()
    {
        var id = NewId();
        await A.GetAsync($"/short/{id}");

        fixture.Cluster.Clock.Advance(OutputCacheApp.ShortExpiry - TimeSpan.FromSeconds(1));
        Assert.Equal($"A:{id}:1", await B.GetAsync($"/short/{id}"));

        fixture.Cluster.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal($"B:{id}:1", await B.GetAsync($"/short/{id}"));
        Assert.Equal(1, A.Calls(id));
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];
}
