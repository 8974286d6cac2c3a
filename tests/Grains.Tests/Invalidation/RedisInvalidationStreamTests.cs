using System.Text.Json;
using CacheCluster.Invalidation.Stream;
using CacheCluster.Tests.Fixtures;
using Orleans.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace CacheCluster.Tests.Invalidation;

/// <summary>The stream on Redis: events are durable, and a fan-out cut short by a killed silo is finished elsewhere.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisInvalidationStreamTests(RedisFixture fixture)
{
    [Fact]
    public async Task SiloKilledInTheMiddleOfAFanOut_TheRestIsAppliedOnAnotherSilo_Once()
    {
        var gate = new FanOutGate();
        var serviceId = "stream-" + Guid.NewGuid().ToString("N")[..8];
        await using var cluster = await CacheTestCluster.StartAsync(
            3,
            fixture.Redis.ConnectionString,
            serviceId,
            configure: silo => silo.AddCacheClusterInvalidation(options => options.ResumeInterval = TimeSpan.FromMilliseconds(200)),
            services: services => services.AddSingleton<IInvalidationFanOut>(sp => new GatedFanOut(
                new GrainInvalidationFanOut(sp.GetRequiredService<IGrainFactory>()),
                sp.GetRequiredService<IGrainFactory>(),
                sp.GetRequiredService<ILocalSiloDetails>().SiloAddress,
                gate)));

        // An entity whose stream partition is active on a silo other than the first (which hosts the test client's gateway).
        var primary = cluster.Cluster.Silos[0].SiloAddress;
        string? id = null;
        for (var i = 0; i < 200 && id is null; i++)
        {
            if (i % 20 == 0)
            {
                // The first silo's keeper may have activated every partition before the others joined: spread them.
                await cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
            }

            var candidate = Guid.NewGuid().ToString("N")[..10];
            var partition = cluster.Client.GetGrain<IInvalidationStreamGrain>(InvalidationPartitions.Of($"entity:{candidate}"));
            await partition.PingAsync();
            Assert.True(cluster.Cluster.TryGetGrainContext(partition.GetGrainId(), out var context));
            if (!context!.Address.SiloAddress!.Equals(primary))
            {
                id = candidate;
            }
        }

        Assert.NotNull(id);
        var tag = $"entity:{id}";
        var keys = Enumerable.Range(0, 100).Select(i => $"durable:{id}:{i}").ToArray();
        await Task.WhenAll(keys.Select(k => cluster.Cache.SetAsync(k, "v", new CacheEntryOptions { Tags = [tag] })));
        await cluster.Cache.SetAsync($"durable:{id}:bystander", "v");
        var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), TestRules.Tagged, DateTimeOffset.UnixEpoch.AddYears(56), JsonSerializer.Serialize(new { id }));
        gate.EventId = domainEvent.Id;

        var receipt = await cluster.Cache.PublishAsync(domainEvent);
        Assert.True(receipt.Matched);
        var stalledOn = await gate.HalfDone.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.NotEqual(primary, stalledOn);
        var remaining = 0;
        foreach (var key in keys)
        {
            remaining += await cluster.Cache.ExistsAsync(key) ? 1 : 0;
        }

        Assert.Equal(keys.Length / 2, remaining);

        await cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos.First(s => s.SiloAddress.Equals(stalledOn)));

        // The partition is woken on a survivor, finds the event still pending in Redis and applies it again.
        await cluster.Client.GetGrain<IInvalidationStreamGrain>(receipt.Partition).WaitForAppliedAsync(receipt.Sequence).WaitAsync(TimeSpan.FromSeconds(60));
        foreach (var key in keys)
        {
            Assert.False(await cluster.Cache.ExistsAsync(key), $"{key} survived the event");
        }

        Assert.True(await cluster.Cache.ExistsAsync($"durable:{id}:bystander"));
        Assert.Equal(0, await fixture.Redis.Connection.GetDatabase().HashLengthAsync($"{serviceId}/ev/{receipt.Partition}/pending"));

        // The id is still remembered: publishing it again is a no-op.
        await cluster.Cache.SetAsync(keys[0], "v", new CacheEntryOptions { Tags = [tag] });
        var again = await cluster.Cache.PublishAsync(domainEvent);
        Assert.True(again.Duplicate);
        Assert.Equal(receipt.Sequence, again.Sequence);
        Assert.True(await cluster.Cache.ExistsAsync(keys[0]));
    }

    [Fact]
    public async Task AcceptedEvent_IsDurable_AndAppliedByTheNextCluster()
    {
        var serviceId = "stream-" + Guid.NewGuid().ToString("N")[..8];
        var id = Guid.NewGuid().ToString("N")[..10];
        var gate = new FanOutGate();
        DomainEventReceipt receipt;
        await using (var first = await CacheTestCluster.StartAsync(
            1,
            fixture.Redis.ConnectionString,
            serviceId,
            services: services => services.AddSingleton<IInvalidationFanOut>(sp => new GatedFanOut(
                new GrainInvalidationFanOut(sp.GetRequiredService<IGrainFactory>()),
                sp.GetRequiredService<IGrainFactory>(),
                sp.GetRequiredService<ILocalSiloDetails>().SiloAddress,
                gate) { HalfFirst = false })))
        {
            await first.Cache.SetAsync($"durable:{id}", "v", new CacheEntryOptions { Tags = [$"entity:{id}"] });
            var domainEvent = new DomainEvent(Guid.NewGuid().ToString("N"), TestRules.Tagged, DateTimeOffset.UnixEpoch.AddYears(56), JsonSerializer.Serialize(new { id }));
            gate.EventId = domainEvent.Id;
            receipt = await first.Cache.PublishAsync(domainEvent);
            Assert.True(receipt.Matched);
            await gate.HalfDone.Task.WaitAsync(TimeSpan.FromSeconds(30));

            // Acknowledged, not yet applied, when the whole cluster goes away.
            Assert.True(await first.Cache.ExistsAsync($"durable:{id}"));
        }

        await using var second = await CacheTestCluster.StartAsync(1, fixture.Redis.ConnectionString, serviceId);
        await second.Client.GetGrain<IInvalidationStreamGrain>(receipt.Partition).WaitForAppliedAsync(receipt.Sequence).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.False(await second.Cache.ExistsAsync($"durable:{id}"));
    }

    /// <summary>Stops one event's first fan-out after half its work, as a silo dying mid-way would.</summary>
    private sealed class FanOutGate
    {
        private int _tripped;

        public string? EventId { get; set; }

        public TaskCompletionSource<SiloAddress> HalfDone { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTrip() => Interlocked.Exchange(ref _tripped, 1) == 0;
    }

    private sealed class GatedFanOut(IInvalidationFanOut inner, IGrainFactory grains, SiloAddress silo, FanOutGate gate) : IInvalidationFanOut
    {
        public bool HalfFirst { get; init; } = true;

        public async Task<long> ApplyAsync(LoggedEvent logged)
        {
            if (logged.EventId == gate.EventId && gate.TryTrip())
            {
                if (HalfFirst)
                {
                    var tag = logged.Tags[0];
                    var members = Enumerable.Range(0, 50).Select(i => $"durable:{tag["entity:".Length..]}:{i}");
                    await Task.WhenAll(members.Select(key => grains.GetGrain<ICacheEntryGrain>(key).InvalidateTagAsync(tag)));
                }

                gate.HalfDone.TrySetResult(silo);
                await new TaskCompletionSource().Task;
            }

            return await inner.ApplyAsync(logged);
        }
    }
}
