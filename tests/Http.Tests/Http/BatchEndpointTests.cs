using System.Net;
using System.Text;
using System.Text.Json;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Http;

/// <summary><c>POST /v1/cache/_batch</c>: answers in order, each operation failing alone with its problem type.</summary>
[Collection(HttpCollection.Name)]
public sealed class BatchEndpointTests(HttpClusterFixture fixture)
{
    private HttpClient Client => fixture.Client;

    /// <summary>The operations of one batch run concurrently: each key here has one operation per batch.</summary>
    [Fact]
    public async Task Batch_SetsGetsAndDeletes_AnswersEachInOrder()
    {
        var text = CacheTestCluster.NewKey("batch");
        var bytes = CacheTestCluster.NewKey("batch");
        var missing = CacheTestCluster.NewKey("batch");
        var gone = CacheTestCluster.NewKey("batch");
        await Client.PutKeyAsync(bytes, "old");
        await Client.PutKeyAsync(gone, "v");

        var sets = await PostAsync(
            $$"""
            [{"op": "set", "key": "{{text}}", "value": "héllo", "ttl": 60, "fresh": 30, "tags": ["t1"]},
             {"op": "set", "key": "{{bytes}}", "valueBase64": "AAH/"}]
            """);
        var answers = await PostAsync(
            $$"""
            [{"op": "get", "key": "{{text}}"}, {"op": "get", "key": "{{bytes}}"}, {"op": "get", "key": "{{missing}}"},
             {"op": "del", "key": "{{gone}}"}, {"op": "del", "key": "{{missing}}"}]
            """);

        Assert.Equal(201, sets[0].GetProperty("status").GetInt32());
        Assert.Equal(204, sets[1].GetProperty("status").GetInt32());
        Assert.Matches("^\"[0-9]+\"$", sets[0].GetProperty("etag").GetString());
        Assert.Equal(200, answers[0].GetProperty("status").GetInt32());
        Assert.Equal("héllo", answers[0].GetProperty("value").GetString());
        Assert.Equal(sets[0].GetProperty("etag").GetString(), answers[0].GetProperty("etag").GetString());
        Assert.Equal(new byte[] { 0, 1, 255 }, answers[1].GetProperty("valueBase64").GetBytesFromBase64());
        Assert.False(answers[1].TryGetProperty("value", out _));
        Assert.Equal(404, answers[2].GetProperty("status").GetInt32());
        Assert.Equal(HttpAssert.ProblemPrefix + "key-not-found", answers[2].GetProperty("type").GetString());
        Assert.Equal(204, answers[3].GetProperty("status").GetInt32());
        Assert.Equal(404, answers[4].GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await Client.GetKeyAsync(gone)).StatusCode);
    }

    [Fact]
    public async Task Batch_BadOperations_FailAloneWithTheirProblemType()
    {
        var good = CacheTestCluster.NewKey("batch");
        var list = CacheTestCluster.NewKey("batch");
        await fixture.Cluster.Cache.ListPushAsync(list, ListEnd.Tail, ["a"]);

        var answers = await PostAsync(
            $$"""
            [{"op": "set", "key": " ", "value": "v"},
             {"op": "set", "key": "{{good}}", "value": "v"},
             {"op": "get", "key": "\u2003"},
             {"op": "set", "key": "{{good}}x", "value": "v", "tll": 5},
             {"op": "set", "key": "{{good}}y", "value": "v", "ttl": -1},
             {"op": "get", "key": "{{list}}"},
             {"op": "put", "key": "{{good}}"},
             {"op": "set", "key": "{{good}}z", "valueBase64": "not base64!"},
             42]
            """);

        Assert.Equal(9, answers.Length);
        Assert.Equal(201, answers[1].GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await Client.GetKeyAsync(good)).StatusCode);
        string[] expected = ["invalid-key", null!, "invalid-key", "invalid-request", "invalid-options", "wrong-type", "invalid-request", "invalid-request", "invalid-request"];
        int[] statuses = [400, 201, 400, 400, 400, 409, 400, 400, 400];
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.Equal(statuses[i], answers[i].GetProperty("status").GetInt32());
            if (expected[i] is { } type)
            {
                Assert.Equal(HttpAssert.ProblemPrefix + type, answers[i].GetProperty("type").GetString());
                Assert.False(string.IsNullOrEmpty(answers[i].GetProperty("detail").GetString()));
            }
        }

        Assert.Contains("tll", answers[3].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Batch_NotAnArray_OrOverTheLimit_IsOne400()
    {
        var notArray = await Client.PostAsync("/v1/cache/_batch", new StringContent("{\"op\": \"get\"}", Encoding.UTF8, "application/json"));
        var tooMany = await Client.PostAsync("/v1/cache/_batch", new StringContent("[" + string.Join(',', Enumerable.Repeat("{\"op\":\"get\",\"key\":\"k\"}", 1001)) + "]", Encoding.UTF8, "application/json"));
        var notJson = await Client.PostAsync("/v1/cache/_batch", new StringContent("[{", Encoding.UTF8, "application/json"));

        Assert.Contains("array", await HttpAssert.ProblemAsync(notArray, HttpStatusCode.BadRequest, "invalid-request"), StringComparison.Ordinal);
        Assert.Contains("1000", await HttpAssert.ProblemAsync(tooMany, HttpStatusCode.BadRequest, "invalid-request"), StringComparison.Ordinal);
        await HttpAssert.ProblemAsync(notJson, HttpStatusCode.BadRequest, "invalid-request");
    }

    private async Task<JsonElement[]> PostAsync(string body)
    {
        var response = await Client.PostAsync("/v1/cache/_batch", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        using var document = JsonDocument.Parse(text);
        return [.. document.RootElement.EnumerateArray().Select(item => item.Clone())];
    }
}
