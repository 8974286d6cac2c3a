using System.Net;
using System.Text;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary><c>POST /v1/events</c>: 202 with the event's place in the stream; bad events are problem+json and apply nothing.</summary>
[Collection(HttpCollection.Name)]
public sealed class EventsEndpointTests(HttpClusterFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private Task<HttpResponseMessage> PostAsync(string json) =>
        Client.PostAsync("/v1/events", new StringContent(json, Encoding.UTF8, "application/json"));

    [Fact]
    public async Task Event_Answers202WithItsSequence_InvalidatesItsTargets_AndARepeatIsADuplicate()
    {
        var product = Guid.NewGuid().ToString("N");
        var key = $"product:{product}";
        await fixture.Cluster.Cache.SetAsync(key, "v");
        var body = JsonSerializer.Serialize(new { id = "evt-" + product, type = "product.updated", occurredAt = "2026-01-01T00:00:00Z", data = new { product_id = product } });

        var response = await PostAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var receipt = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var partition = receipt.RootElement.GetProperty("partition").GetInt32();
        var sequence = receipt.RootElement.GetProperty("sequence").GetInt64();
        Assert.True(sequence > 0);
        Assert.False(receipt.RootElement.GetProperty("duplicate").GetBoolean());
        Assert.True(receipt.RootElement.GetProperty("matched").GetBoolean());
        await fixture.Cluster.Client.GetGrain<IInvalidationStreamGrain>(partition).WaitForAppliedAsync(sequence).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(await fixture.Cluster.Cache.ExistsAsync(key));

        using var again = JsonDocument.Parse(await (await PostAsync(body)).Content.ReadAsStringAsync());
        Assert.True(again.RootElement.GetProperty("duplicate").GetBoolean());
        Assert.Equal(sequence, again.RootElement.GetProperty("sequence").GetInt64());
    }

    [Theory]
    [InlineData("{\"type\":\"user.updated\",\"data\":{\"id\":1}}", "user_id")]
    [InlineData("{\"type\":\"user.updated\",\"data\":", "not valid JSON")]
    [InlineData("{\"type\":\"user.updated\",\"data\":[1]}", "not an object")]
    [InlineData("{\"data\":{}}", "needs a \\\"type\\\"")]
    [InlineData("{\"type\":\"user.updated\"}", "needs \\\"data\\\"")]
    [InlineData("{\"type\":\"user.updated\",\"occurredAt\":\"yesterday\",\"data\":{\"user_id\":1}}", "occurredAt")]
    [InlineData("[]", "must be a JSON object")]
    public async Task BadEvent_Answers400InvalidEvent_AndAppliesNothing(string json, string expected)
    {
        var list = $"users:list:{Guid.NewGuid():N}";
        await fixture.Cluster.Cache.SetAsync(list, "v");

        var response = await PostAsync(json);

        var problem = await HttpAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-event");
        Assert.Contains(expected, problem, StringComparison.Ordinal);

        // A malformed event has no partition of its own, so the barrier is on every partition: had the event been
        // appended anywhere, it is applied before the barrier event behind it.
        await AllPartitionsAppliedAsync();
        Assert.True(await fixture.Cluster.Cache.ExistsAsync(list));
    }

    /// <summary>Publishes an event that matches no rule to each partition and waits until each is applied.</summary>
    private async Task AllPartitionsAppliedAsync()
    {
        var subjects = new string?[IInvalidationStreamGrain.Partitions];
        for (var i = 0; subjects.Contains(null); i++)
        {
            var subject = $"barrier-{i}";
            subjects[InvalidationPartitions.Of(subject)] ??= subject;
        }

        await Task.WhenAll(subjects.Select(async subject =>
        {
            var receipt = await fixture.Cluster.Cache.PublishAsync(DomainEvent.Create("barrier.check", new { }) with { Subject = subject });
            Assert.False(receipt.Matched);
            await fixture.Cluster.Client.GetGrain<IInvalidationStreamGrain>(receipt.Partition).WaitForAppliedAsync(receipt.Sequence).WaitAsync(TimeSpan.FromSeconds(30));
        }));
    }

    [Fact]
    public async Task DeeplyNestedOrOversizedEvent_Answers400()
    {
        var deep = "{\"type\":\"user.updated\",\"data\":" + string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 41);
        await HttpAssert.ProblemAsync(await PostAsync(deep), HttpStatusCode.BadRequest, "invalid-event");

        var big = JsonSerializer.Serialize(new { type = "user.updated", data = new { user_id = 1, blob = new string('x', 200_000) } });
        await HttpAssert.ProblemAsync(await PostAsync(big), HttpStatusCode.BadRequest, "invalid-event");
    }
}
