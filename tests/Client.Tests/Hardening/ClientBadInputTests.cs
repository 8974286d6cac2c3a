using System.Text.Json;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Hardening;

/// <summary>
/// The bad-input matrix, client side: every hostile or malformed call gets a typed error (or a refusal as a result),
/// and the entry it aimed at reads back exactly as before, value and version.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class ClientBadInputTests(MemoryClusterFixture fixture)
{
    private static readonly DateTimeOffset Then = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Each case and the exact error it gets; <see langword="null"/>: refused by an answer rather than an exception.</summary>
    public static TheoryData<string, Type?> Cases => new()
    {
        { "ttl negative", typeof(InvalidCacheOptionsException) },
        { "ttl overflowing", typeof(InvalidCacheOptionsException) },
        { "fresh over ttl", typeof(InvalidCacheOptionsException) },
        { "fresh negative", typeof(InvalidCacheOptionsException) },
        { "value over the limit", typeof(CacheValueTooLargeException) },
        { "tag with a comma", typeof(InvalidCacheOptionsException) },
        { "tag too long", typeof(InvalidCacheOptionsException) },
        { "too many tags", typeof(InvalidCacheOptionsException) },
        { "increment of a non-integer", typeof(CacheValueNotIntegerException) },
        { "list push onto a value", typeof(CacheWrongTypeException) },
        { "compare-and-set on a stale version", typeof(CacheVersionConflictException) },
        { "only-if-absent on an existing key", null },
        { "fill with a made-up lease", null },
        { "fill with a replayed lease", null },
        { "malformed glob", typeof(InvalidCacheOptionsException) },
        { "lone star glob", typeof(InvalidCacheOptionsException) },
        { "glob too long", typeof(InvalidCacheOptionsException) },
        { "pathological glob", null },
        { "tag with a control character", typeof(InvalidCacheOptionsException) },
        { "event with broken JSON", typeof(InvalidDomainEventException) },
        { "event nested 100 deep", typeof(InvalidDomainEventException) },
        { "event missing its rule field", typeof(InvalidDomainEventException) },
        { "event over the size limit", typeof(InvalidDomainEventException) },
        { "event with an empty id", typeof(InvalidDomainEventException) },
        { "unknown rate-limit policy", typeof(UnknownRateLimitPolicyException) },
        { "permits overflowing", typeof(InvalidRateLimitRequestException) },
        { "permits negative", typeof(InvalidRateLimitRequestException) },
        { "empty key", typeof(InvalidCacheKeyException) },
        { "key with a control character", typeof(InvalidCacheKeyException) },
        { "key over 1024 bytes", typeof(InvalidCacheKeyException) },
        { "key with an unpaired surrogate", typeof(InvalidCacheKeyException) },
        { "content type with a newline", typeof(InvalidCacheRequestException) },
        { "unanchored glob", typeof(InvalidCacheOptionsException) },
        { "glob starting with a class", typeof(InvalidCacheOptionsException) },
        { "33 distinct patterns", typeof(InvalidCacheRequestException) },
        { "event with an empty rule field", typeof(InvalidDomainEventException) },
        { "tag with a space", typeof(InvalidCacheOptionsException) },
        { "tag with a non-ASCII letter", typeof(InvalidCacheOptionsException) },
        { "tag with a quote", typeof(InvalidCacheOptionsException) },
        { "remove by a tag with a space", typeof(InvalidCacheOptionsException) },
        { "content type with a non-ASCII letter", typeof(InvalidCacheRequestException) },
        { "content type that is not a media type", typeof(InvalidCacheRequestException) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileInput_GetsATypedError_AndChangesNothing(string name, Type? error)
    {
        var cache = fixture.Cluster.Cache;
        var key = CacheTestCluster.NewKey("matrix");
        var written = await cache.SetAsync(key, "sentinel", new CacheEntryOptions { Tags = ["matrix"] });

        var outcome = await Record.ExceptionAsync(() => Attack(name, cache, key, written.Version));

        if (error is null)
        {
            Assert.Null(outcome);
        }
        else
        {
            Assert.NotNull(outcome);
            Assert.True(outcome.GetType() == error, $"Expected {error.Name}, got {outcome.GetType().Name}: {outcome.Message}");
            Assert.False(string.IsNullOrWhiteSpace(outcome.Message));
            Assert.DoesNotContain("   at ", outcome.Message, StringComparison.Ordinal);
        }

        var read = await cache.TryGetAsync<string>(key);
        Assert.Equal(("sentinel", written.Version), (read.Value, read.Version));
    }

    private async Task Attack(string name, IClusterCache cache, string key, long version)
    {
        var grain = fixture.Cluster.Grain(key);
        switch (name)
        {
            case "ttl negative": await cache.SetAsync(key, "x", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(-5) }); break;
            case "ttl overflowing": await cache.SetAsync(key, "x", new CacheEntryOptions { TimeToLive = TimeSpan.MaxValue }); break;
            case "fresh over ttl": await cache.SetAsync(key, "x", new CacheEntryOptions { TimeToLive = TimeSpan.FromSeconds(5), FreshFor = TimeSpan.FromSeconds(10) }); break;
            case "fresh negative": await cache.SetAsync(key, "x", new CacheEntryOptions { FreshFor = TimeSpan.FromSeconds(-1) }); break;
            case "value over the limit": await cache.SetBytesAsync(key, new CacheValue(new byte[CacheTestCluster.MaxValueBytes + 1])); break;
            case "tag with a comma": await cache.SetAsync(key, "x", new CacheEntryOptions { Tags = ["a,b"] }); break;
            case "tag too long": await cache.SetAsync(key, "x", new CacheEntryOptions { Tags = [new string('t', 300)] }); break;
            case "too many tags": await cache.SetAsync(key, "x", new CacheEntryOptions { Tags = [.. Enumerable.Range(0, 65).Select(i => $"t{i}")] }); break;
            case "increment of a non-integer": await cache.IncrementAsync(key); break;
            case "list push onto a value": await cache.ListPushAsync(key, ListEnd.Tail, ["x"]); break;
            case "compare-and-set on a stale version": await cache.SetAsync(key, "x", condition: CacheWriteCondition.IfVersion(version - 1)); break;
            case "only-if-absent on an existing key":
                Assert.False((await cache.SetAsync(key, "x", condition: CacheWriteCondition.IfNotExists)).Written);
                break;
            case "fill with a made-up lease":
                Assert.False((await grain.FillAsync(424242, new CacheValue("x"u8.ToArray()), null)).Written);
                break;
            case "fill with a replayed lease":
                var other = CacheTestCluster.NewKey("matrix");
                var lease = (await fixture.Cluster.Grain(other).GetOrLeaseAsync(new CacheLeaseRequest())).Lease!.Value;
                Assert.True((await fixture.Cluster.Grain(other).FillAsync(lease.Token, new CacheValue("1"u8.ToArray()), null)).Written);
                Assert.False((await fixture.Cluster.Grain(other).FillAsync(lease.Token, new CacheValue("2"u8.ToArray()), null)).Written);
                Assert.False((await grain.FillAsync(lease.Token, new CacheValue("3"u8.ToArray()), null)).Written);
                break;
            case "malformed glob": await cache.RemoveByPatternAsync("matrix:[abc"); break;
            case "lone star glob": await cache.RemoveByPatternAsync("*"); break;
            case "glob too long": await cache.RemoveByPatternAsync(new string('a', 300) + "*"); break;
            case "pathological glob":
                Assert.Equal(0, await cache.RemoveByPatternAsync("matrix:" + string.Concat(Enumerable.Repeat("*a", 120)) + "*b"));
                break;
            case "tag with a control character": await cache.RemoveByTagAsync("matrix\u0007"); break;
            case "event with broken JSON": await cache.PublishAsync(new DomainEvent("e1", "user.updated", Then, "{\"user_id\": ")); break;
            case "event nested 100 deep":
                await cache.PublishAsync(new DomainEvent("e2", "user.updated", Then, string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100)));
                break;
            case "event missing its rule field": await cache.PublishAsync(DomainEvent.Create("user.updated", new { id = key })); break;
            case "event over the size limit":
                await cache.PublishAsync(new DomainEvent("e3", "user.updated", Then, JsonSerializer.Serialize(new { user_id = "m", pad = new string('x', 70_000) })));
                break;
            case "event with an empty id": await cache.PublishAsync(new DomainEvent(string.Empty, "user.updated", Then, "{}")); break;
            case "unknown rate-limit policy": await fixture.Cluster.NewRateLimiter().AcquireAsync("no-such-policy", key); break;
            case "permits overflowing": await fixture.Cluster.NewRateLimiter().AcquireAsync(TestPolicies.Fixed, key, int.MaxValue); break;
            case "permits negative": await fixture.Cluster.NewRateLimiter().AcquireAsync(TestPolicies.Fixed, key, -1); break;
            case "empty key": await cache.SetAsync(string.Empty, "x"); break;
            case "key with a control character": await cache.SetAsync(key + "\n", "x"); break;
            case "key over 1024 bytes": await cache.SetAsync(key + new string('k', 1100), "x"); break;
            case "key with an unpaired surrogate": await cache.SetAsync(key + "\ud800", "x"); break;
            case "content type with a newline": await cache.SetBytesAsync(key, new CacheValue("x"u8.ToArray(), "text/plain\r\nX-Injected: 1")); break;
            case "unanchored glob": await cache.RemoveByPatternAsync("?*"); break;
            case "glob starting with a class": await cache.RemoveByPatternAsync("[m]atrix:*"); break;
            case "33 distinct patterns":
                await fixture.Cluster.Client.GetGrain<IInvalidationPublisherGrain>(0).InvalidateAsync([], [], [.. Enumerable.Range(0, 33).Select(i => $"{key}{i}*")], allowAll: false);
                break;
            case "event with an empty rule field": await cache.PublishAsync(DomainEvent.Create("user.updated", new { user_id = string.Empty })); break;
            case "tag with a space": await cache.SetAsync(key, "x", new CacheEntryOptions { Tags = ["team a"] }); break;
            case "tag with a non-ASCII letter": await cache.SetAsync(key, "x", new CacheEntryOptions { Tags = ["équipe"] }); break;
            case "tag with a quote": await cache.SetAsync(key, "x", new CacheEntryOptions { Tags = ["a\"b"] }); break;
            case "remove by a tag with a space": await cache.RemoveByTagAsync("matrix a"); break;
            case "content type with a non-ASCII letter": await cache.SetBytesAsync(key, new CacheValue("x"u8.ToArray(), "text/plain; charset=é")); break;
            case "content type that is not a media type": await cache.SetBytesAsync(key, new CacheValue("x"u8.ToArray(), "plain text")); break;
            default: throw new InvalidOperationException($"No case '{name}'.");
        }
    }
}
