using System.Text.Json;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Invalidation;

/// <summary>The invalidation stream with the rules the silo ships: exact targets, duplicates, unmatched and bad events.</summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class InvalidationStreamTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    private IClusterCache Cache => _cluster.Cache;

    private static string NewId() => Guid.NewGuid().ToString("N")[..12];

    private async Task<DomainEventReceipt> PublishAndWaitAsync(DomainEvent domainEvent)
    {
        var receipt = await Cache.PublishAsync(domainEvent);
        await _cluster.Client.GetGrain<IInvalidationStreamGrain>(receipt.Partition).WaitForAppliedAsync(receipt.Sequence).WaitAsync(TimeSpan.FromSeconds(30));
        return receipt;
    }

    private async Task SetAllAsync(params string[] keys)
    {
        foreach (var key in keys)
        {
            await Cache.SetAsync(key, "v");
        }
    }

    private async Task AssertExistAsync(bool expected, params string[] keys)
    {
        foreach (var key in keys)
        {
            Assert.True(expected == await Cache.ExistsAsync(key), $"{key} should {(expected ? "still exist" : "be invalidated")}");
        }
    }

    [Fact]
    public async Task UserUpdated_InvalidatesTheUsersKeysAndUserLists_AndNothingElse()
    {
        var user = NewId();
        var other = NewId();
        string[] targets = [$"user:{user}", $"user:{user}:profile", $"user:{user}:orders:1", "users:list", $"users:list:{user}"];

        // The neighbours whose ids start with this user's id (user 42 and user 420) must survive.
        string[] bystanders = [$"user:{other}", $"user:{other}:profile", $"user:{user}0", $"user:{user}0:profile", $"product:{user}", $"userx:{user}", $"users:{user}", $"users:listing:{user}"];
        await SetAllAsync([.. targets, .. bystanders]);

        var receipt = await PublishAndWaitAsync(DomainEvent.Create("user.updated", new { user_id = user }));

        Assert.True(receipt.Matched);
        Assert.False(receipt.Duplicate);
        await AssertExistAsync(false, targets);
        await AssertExistAsync(true, bystanders);
    }

    [Fact]
    public async Task ProductUpdated_InvalidatesTheProductKeyAndProductLists_AndNothingElse()
    {
        var product = NewId();
        string[] targets = [$"product:{product}", "products:list", $"products:list:{product}", $"products:list:{product}:page:2"];
        string[] bystanders = [$"product:{product}:reviews", $"product:{product}0", $"product:{NewId()}", $"user:{product}", $"products:{product}", $"products:listing:{product}"];
        await SetAllAsync([.. targets, .. bystanders]);

        var receipt = await PublishAndWaitAsync(DomainEvent.Create("product.updated", new { product_id = product }));

        Assert.True(receipt.Matched);
        await AssertExistAsync(false, targets);
        await AssertExistAsync(true, bystanders);
    }

    [Fact]
    public async Task OrderCompleted_InvalidatesTheOrderAndTheUsersOrderLists_AndNothingElse()
    {
        var order = NewId();
        var user = NewId();
        string[] targets = [$"order:{order}", $"user:{user}:orders", $"user:{user}:orders:page:1"];
        string[] bystanders = [$"order:{order}:items", $"order:{order}0", $"order:{NewId()}", $"user:{user}", $"user:{user}:profile", $"user:{user}:ordersx", $"user:{user}0:orders", $"user:{NewId()}:orders"];
        await SetAllAsync([.. targets, .. bystanders]);

        var receipt = await PublishAndWaitAsync(DomainEvent.Create("order.completed", new { order_id = order, user_id = user }));

        Assert.True(receipt.Matched);
        await AssertExistAsync(false, targets);
        await AssertExistAsync(true, bystanders);
    }

    [Fact]
    public async Task Placeholders_AreGlobEscaped_SoDataCannotWidenAPattern()
    {
        var user = NewId();
        await SetAllAsync($"user:{user}", $"user:{user}x", $"user:{user}?");

        // user_id "<id>?" would match user:<id>x as a glob; escaped, it matches only the literal '?'.
        var receipt = await PublishAndWaitAsync(DomainEvent.Create("user.updated", new { user_id = user + "?" }));

        Assert.True(receipt.Matched);
        await AssertExistAsync(false, $"user:{user}?");
        await AssertExistAsync(true, $"user:{user}", $"user:{user}x");
    }

    [Fact]
    public async Task DuplicateEventId_IsAppliedOnce_AndAnswersTheOriginalReceipt()
    {
        var product = NewId();
        var key = $"product:{product}";
        await SetAllAsync(key);
        var first = DomainEvent.Create("product.updated", new { product_id = product });
        var receipt = await PublishAndWaitAsync(first);
        await AssertExistAsync(false, key);

        // Written again after the event: a re-delivery of the same event must not remove the new value.
        await SetAllAsync(key);
        var again = await Cache.PublishAsync(first with { OccurredAt = first.OccurredAt.AddSeconds(1) });

        Assert.True(again.Duplicate);
        Assert.Equal((receipt.Partition, receipt.Sequence), (again.Partition, again.Sequence));
        var next = await PublishAndWaitAsync(DomainEvent.Create("unknown.event", new { product_id = product }) with { Subject = $"product:{product}" });
        Assert.Equal(receipt.Partition, next.Partition);
        await AssertExistAsync(true, key);
    }

    [Fact]
    public async Task EventsAboutOneEntity_GoToOnePartition_InPublishOrder()
    {
        var user = NewId();
        var receipts = new List<DomainEventReceipt>();
        foreach (var type in new[] { "user.updated", "order.completed", "user.updated" })
        {
            receipts.Add(await Cache.PublishAsync(DomainEvent.Create(type, new { user_id = user, order_id = NewId() })));
        }

        // The seed rules name user:{user_id} as the entity of both user.updated and order.completed.
        Assert.Single(receipts.Select(r => r.Partition).Distinct());
        Assert.Equal(receipts.Select(r => r.Sequence).Order(), receipts.Select(r => r.Sequence));
    }

    [Fact]
    public async Task UnmatchedEventType_IsAcceptedAndSequenced_ButInvalidatesNothing()
    {
        var key = $"user:{NewId()}";
        await SetAllAsync(key);

        var receipt = await PublishAndWaitAsync(DomainEvent.Create("inventory.counted", new { user_id = key }));

        Assert.False(receipt.Matched);
        Assert.True(receipt.Sequence > 0);
        await AssertExistAsync(true, key);
    }

    [Fact]
    public async Task EventLackingARuleField_IsRejected_BeforeAnythingIsApplied()
    {
        var list = $"users:list:{NewId()}";
        var subject = NewId();
        await SetAllAsync(list);

        // user.updated needs user_id; users:list* alone would have been applied had the check come late.
        var ex = await Assert.ThrowsAsync<InvalidDomainEventException>(() => Cache.PublishAsync(DomainEvent.Create("user.updated", new { id = 42 }) with { Subject = subject }));
        Assert.Contains("user_id", ex.Message, StringComparison.Ordinal);

        var nested = await Assert.ThrowsAsync<InvalidDomainEventException>(() => Cache.PublishAsync(DomainEvent.Create("user.updated", new { user_id = new { id = 1 } }) with { Subject = subject }));
        Assert.Contains("user_id", nested.Message, StringComparison.Ordinal);

        // Barrier on the rejected events' own partition: had either been appended, it is applied before this one.
        await PublishAndWaitAsync(DomainEvent.Create("inventory.counted", new { }) with { Subject = subject });
        await AssertExistAsync(true, list);
    }

    [Fact]
    public async Task OversizedEvent_IsRejected_OnTheSilo()
    {
        var list = $"users:list:{NewId()}";
        await SetAllAsync(list);
        var subject = NewId();
        var big = DomainEvent.Create("user.updated", new { user_id = NewId(), blob = new string('x', DomainEvent.DefaultMaxDataBytes) }) with { Subject = subject };

        var ex = await Assert.ThrowsAsync<InvalidDomainEventException>(() => Cache.PublishAsync(big));

        Assert.Contains("limit is 65536", ex.Message, StringComparison.Ordinal);
        await PublishAndWaitAsync(DomainEvent.Create("inventory.counted", new { }) with { Subject = subject });
        await AssertExistAsync(true, list);
    }

    [Theory]
    [InlineData("", "user.updated", "{}", "non-empty id")]
    [InlineData("id", "", "{}", "non-empty type")]
    [InlineData("id", "user updated", "{}", "letters, digits")]
    [InlineData("id\n2", "user.updated", "{}", "control characters")]
    [InlineData("id", "user.updated", "{\"user_id\": ", "not valid JSON")]
    [InlineData("id", "user.updated", "[1, 2]", "not an object")]
    [InlineData("id", "user.updated", "\"text\"", "not an object")]
    public async Task MalformedEvent_IsRejected_ByTheClientAndBySilo(string id, string type, string data, string expected)
    {
        var domainEvent = new DomainEvent(id, type, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), data);

        var client = await Assert.ThrowsAsync<InvalidDomainEventException>(() => Cache.PublishAsync(domainEvent));
        var silo = await Assert.ThrowsAsync<InvalidDomainEventException>(() => _cluster.Client.GetGrain<IInvalidationPublisherGrain>(0).PublishAsync(domainEvent));

        Assert.Contains(expected, client.Message, StringComparison.Ordinal);
        Assert.Contains(expected, silo.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeeplyNestedData_IsRejected()
    {
        var deep = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        var domainEvent = new DomainEvent(NewId(), "user.updated", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), deep);

        var ex = await Assert.ThrowsAsync<InvalidDomainEventException>(() => _cluster.Client.GetGrain<IInvalidationPublisherGrain>(0).PublishAsync(domainEvent));

        Assert.Contains("deeper than 32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TagRule_InvalidatesEveryTaggedEntry()
    {
        var id = NewId();
        var keys = Enumerable.Range(0, 200).Select(i => $"tagged:{id}:{i}").ToArray();
        await Task.WhenAll(keys.Select(k => Cache.SetAsync(k, "v", new CacheEntryOptions { Tags = [$"entity:{id}"] })));
        await SetAllAsync($"tagged:{id}:untagged");

        var receipt = await Cache.PublishAsync(new DomainEvent(NewId(), TestRules.Tagged, DateTimeOffset.UnixEpoch.AddYears(56), JsonSerializer.Serialize(new { id })));
        await _cluster.Client.GetGrain<IInvalidationStreamGrain>(receipt.Partition).WaitForAppliedAsync(receipt.Sequence);

        Assert.True(receipt.Matched);

        await AssertExistAsync(false, keys);
        await AssertExistAsync(true, $"tagged:{id}:untagged");
    }
}
