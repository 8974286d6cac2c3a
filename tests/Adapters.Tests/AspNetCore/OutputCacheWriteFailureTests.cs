using CacheCluster.Tests.Fixtures;
using Microsoft.AspNetCore.OutputCaching;

namespace CacheCluster.Tests.AspNetCore;

/// <summary>
/// Writes the cluster refuses, through the real middleware: the store throws, the middleware logs the error and serves
/// the response uncached; nothing is lost silently and nothing is stored.
/// </summary>
[Collection(OutputCacheCollection.Name)]
public sealed class OutputCacheWriteFailureTests(OutputCacheFixture fixture)
{
    private const string MiddlewareCategory = "Microsoft.AspNetCore.OutputCaching.OutputCacheMiddleware";

    private OutputCacheApp A => fixture.A;

    [Fact]
    public async Task OutputCache_PolicyWithSixtyFiveTags_LoggedAndServedUncached()
    {
        var id = NewId();
        A.Logs.Errors.Clear();

        // entity:{id} and 64 more: one over the cluster's limit.
        Assert.Equal($"A:{id}:1", await A.GetAsync($"/items/{id}?tags=64"));
        Assert.Equal($"A:{id}:2", await A.GetAsync($"/items/{id}?tags=64"));

        var errors = A.Logs.Errors.Where(e => e.Category == MiddlewareCategory).ToArray();
        Assert.Equal(2, errors.Length);
        Assert.All(errors, e => Assert.Equal("An entry may carry at most 64 tags (was 65).", Assert.IsType<InvalidCacheOptionsException>(e.Exception).Message));
    }

    [Fact]
    public async Task OutputCache_PolicyWithSixtyFourTags_Cached()
    {
        var id = NewId();

        Assert.Equal($"A:{id}:1", await A.GetAsync($"/items/{id}?tags=63"));
        Assert.Equal($"A:{id}:1", await fixture.B.GetAsync($"/items/{id}?tags=63"));
        await A.Store.EvictByTagAsync($"extra:{id}:62", default);
        Assert.Equal($"B:{id}:1", await fixture.B.GetAsync($"/items/{id}?tags=63"));
    }

    [Fact]
    public async Task OutputCache_BodyOverTheClustersValueLimit_LoggedAndServedUncached()
    {
        var id = NewId();
        A.Logs.Errors.Clear();

        var first = await A.GetAsync($"/large/{id}");
        var second = await A.GetAsync($"/large/{id}");

        Assert.StartsWith($"A:{id}:1x", first, StringComparison.Ordinal);
        Assert.StartsWith($"A:{id}:2x", second, StringComparison.Ordinal);
        Assert.Equal(CacheTestCluster.MaxValueBytes + $"A:{id}:1".Length, first.Length);
        var errors = A.Logs.Errors.Where(e => e.Category == MiddlewareCategory).ToArray();
        Assert.Equal(2, errors.Length);
        Assert.All(errors, e => Assert.IsType<CacheValueTooLargeException>(e.Exception));
    }

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];
}
