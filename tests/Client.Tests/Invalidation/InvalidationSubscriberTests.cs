using System.Diagnostics.Metrics;
using CacheCluster.Hosting;
using CacheCluster.Internal;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Invalidation;

/// <summary>Subscribers: order per entity, gaps, failing subscribers, renewal. A cluster of their own, for exact counters.</summary>
public sealed class InvalidationSubscriberTests : IAsyncLifetime
{
    private CacheTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await CacheTestCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    private MetricRecorder RecordMetrics() =>
        new(_cluster.Cluster.Silos.Select(s => (object)s.SiloHost.Services.GetRequiredService<IMeterFactory>()));

    private ClusterCache NewCache() =>
        new(_cluster.Client, Options.Create(new CacheClusterClientOptions()), _cluster.Clock);

    private static DomainEvent UserUpdated(string user) => DomainEvent.Create("user.updated", new { user_id = user });

    [Fact]
    public async Task Subscriber_GetsEachEntitysNotices_InPublishOrder()
    {
        var cache = NewCache();
        var listener = new RecordingListener();
        await using var subscription = await cache.SubscribeAsync(listener);
        var user = Guid.NewGuid().ToString("N");
        var events = Enumerable.Range(0, 6).Select(_ => UserUpdated(user)).ToArray();
        foreach (var domainEvent in events)
        {
            await cache.PublishAsync(domainEvent);
        }

        await listener.WaitForEvent(events[^1].Id);

        var notices = listener.Notices.ToArray();
        Assert.Equal(events.Select(e => e.Id), notices.Select(n => n.EventId));
        Assert.Single(notices.Select(n => n.Partition).Distinct());
        Assert.Equal(Enumerable.Range((int)notices[0].Sequence, notices.Length).Select(i => (long)i), notices.Select(n => n.Sequence));
        Assert.All(notices, n => Assert.Equal([$"user:{user}:*", "users:list:*"], n.Patterns));
        Assert.Empty(listener.Flushes);
    }

    [Fact]
    public async Task MissedNotice_IsSeenAsAGap_AndTheSubscriberIsToldToFlush()
    {
        var cache = NewCache();
        var user = Guid.NewGuid().ToString("N");
        var events = Enumerable.Range(0, 3).Select(_ => UserUpdated(user)).ToArray();

        // The second notice fails once on its way in (a fault injected in the subscriber): it is lost to this subscriber.
        using var metrics = RecordMetrics();
        var listener = new RecordingListener { FailOn = n => n.EventId == events[1].Id };
        await using var subscription = await cache.SubscribeAsync(listener);
        foreach (var domainEvent in events)
        {
            await cache.PublishAsync(domainEvent);
        }

        await listener.WaitForEvent(events[2].Id);

        Assert.Equal([events[0].Id, events[2].Id], listener.Notices.Select(n => n.EventId));
        Assert.Equal([InvalidationFlushReason.Gap], listener.Flushes);
        Assert.Equal(1, metrics["cachecluster.invalidation.subscriber.failures"]);
    }

    [Fact]
    public async Task FailingSubscriber_NeverBlocksTheOthers_IsCounted_AndDroppedAfterThreeFailures()
    {
        using var metrics = RecordMetrics();
        var cache = NewCache();
        var good = new RecordingListener();
        var bad = new RecordingListener { FailOn = _ => true };
        await using var badSubscription = await cache.SubscribeAsync(bad);
        await using var goodSubscription = await cache.SubscribeAsync(good);
        var user = Guid.NewGuid().ToString("N");
        var events = Enumerable.Range(0, 6).Select(_ => UserUpdated(user)).ToArray();
        foreach (var domainEvent in events)
        {
            await cache.PublishAsync(domainEvent);
        }

        await good.WaitForEvent(events[^1].Id);
        await bad.WaitUntil(() => bad.Failures == 3);

        Assert.Equal(events.Select(e => e.Id), good.Notices.Select(n => n.EventId));
        Assert.Empty(bad.Notices);

        // Dropped after three failures in a row: the later notices were not even tried.
        var probe = UserUpdated(user);
        await cache.PublishAsync(probe);
        await good.WaitForEvent(probe.Id);
        Assert.Equal(3, bad.Failures);

        // The partition counts a failure when the failed call's answer reaches it, which may be after the probe's notice.
        await metrics.WaitForAsync("cachecluster.invalidation.subscriber.failures", 3);
        Assert.Equal(3, metrics["cachecluster.invalidation.subscriber.failures"]);
    }

    [Fact]
    public async Task Subscription_IsRenewedBeforeItExpires()
    {
        var cache = NewCache();
        var listener = new RecordingListener();
        var subscription = (InvalidationSubscription)await cache.SubscribeAsync(listener);
        await using var _ = subscription;
        var lifetime = new InvalidationOptions().SubscriptionLifetime;
        Assert.Equal(lifetime / 3, subscription.RenewalPeriod);

        // Three renewal periods and a half: well past the first lifetime, renewed at each period.
        for (var i = 0; i < 7; i++)
        {
            _cluster.Clock.Advance(subscription.RenewalPeriod / 2);
            await subscription.LastRenewal;
        }

        var domainEvent = UserUpdated(Guid.NewGuid().ToString("N"));
        await cache.PublishAsync(domainEvent);
        await listener.WaitForEvent(domainEvent.Id);
        Assert.Empty(listener.Flushes);
    }

    [Fact]
    public async Task LostSubscription_IsNoticedAtRenewal_AndTheSubscriberFlushes()
    {
        var cache = NewCache();
        var listener = new RecordingListener();
        var subscription = (InvalidationSubscription)await cache.SubscribeAsync(listener);
        await using var _ = subscription;

        // The partition loses the subscription (it moved, or the client was cut off) while an event is applied.
        var user = Guid.NewGuid().ToString("N");
        var partition = _cluster.Client.GetGrain<IInvalidationStreamGrain>(InvalidationPartitions.Of($"user:{user}"));
        await partition.UnsubscribeAsync(ObserverOf(subscription));
        var missed = UserUpdated(user);
        var receipt = await cache.PublishAsync(missed);
        Assert.Equal((InvalidationPartitions.Of($"user:{user}"), true), (receipt.Partition, receipt.Matched));
        await partition.WaitForAppliedAsync(receipt.Sequence);

        await subscription.RenewAsync();

        Assert.Equal([InvalidationFlushReason.Resubscribed], listener.Flushes);
        Assert.DoesNotContain(listener.Notices, n => n.EventId == missed.Id);

        // Subscribed again: the next event arrives, with no further flush.
        var next = UserUpdated(Guid.NewGuid().ToString("N"));
        await cache.PublishAsync(next);
        await listener.WaitForEvent(next.Id);
        Assert.Single(listener.Flushes);
    }

    private static IInvalidationObserver ObserverOf(InvalidationSubscription subscription) => subscription.Reference!;
}
