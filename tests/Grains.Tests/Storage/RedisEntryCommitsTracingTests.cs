using System.Collections.Concurrent;
using System.Diagnostics;
using CacheCluster.Entries;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace CacheCluster.Tests.Storage;

/// <summary>
/// The group commit's spans: each entry command's <c>cachecluster.storage.write</c> stays in its writer's trace, and
/// one <c>cachecluster.storage.commit</c> per script call carries the batch size, under the first command's span and
/// linking the others.
/// </summary>
public sealed class RedisEntryCommitsTracingTests
{
    private const string WritersName = "CacheCluster.Tests.StorageTracing";
    private static readonly ActivitySource Writers = new(WritersName);
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CommandsCommittedTogether_OneCommitSpanWithTheBatchSize_EachWriteInItsWritersTrace()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var connection = new RedisConnection(redis.ConnectionString);
        var store = new RedisEntryStore(connection, Options.Create(new CacheClusterOptions { ServiceId = "commit-traces" }));
        var traces = new ConcurrentDictionary<ActivityTraceId, bool>();
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            // Only this test's traces: other tests start CacheCluster spans in the same process.
            ShouldListenTo = source => source.Name is CacheClusterDiagnostics.ActivitySourceName or WritersName,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Source.Name == WritersName || traces.ContainsKey(options.Parent.TraceId) ? ActivitySamplingResult.AllDataAndRecorded : ActivitySamplingResult.None,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var writers = new List<Activity>();
        var writes = new List<Task<bool>>();
        redis.Pause();
        try
        {
            // The first goes out at once and waits on the paused Redis; the next three wait for it and go together.
            for (var i = 0; i < 4; i++)
            {
                using var writer = Writers.StartActivity("writer")!;
                traces[writer.TraceId] = true;
                writers.Add(writer);
                writes.Add(store.WriteIndexedAsync($"traced:{i}", Record($"v{i}"), 0, null, [], null, [], Now));
                Assert.Same(writer, Activity.Current);
            }
        }
        finally
        {
            redis.Resume();
        }

        Assert.All(await Task.WhenAll(writes), Assert.True);
        var spans = stopped.Where(s => traces.ContainsKey(s.TraceId)).ToList();

        var storageWrites = spans.Where(s => s.OperationName == StorageTracing.WriteSpan).ToList();
        Assert.Equal(4, storageWrites.Count);
        for (var i = 0; i < 4; i++)
        {
            var write = Assert.Single(storageWrites, s => s.TraceId == writers[i].TraceId);
            Assert.Equal(writers[i].SpanId, write.ParentSpanId);
            Assert.Equal("applied", write.GetTagItem("cachecluster.outcome"));
        }

        var commits = spans.Where(s => s.OperationName == StorageTracing.CommitSpan).OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal([1, 3], commits.Select(c => (int)c.GetTagItem("cachecluster.batch.size")!));
        Assert.Equal(storageWrites.Single(s => s.TraceId == writers[0].TraceId).SpanId, commits[0].ParentSpanId);
        Assert.Equal(storageWrites.Single(s => s.TraceId == writers[1].TraceId).SpanId, commits[1].ParentSpanId);
        Assert.Equal(
            [writers[2].TraceId, writers[3].TraceId],
            commits[1].Links.Select(link => link.Context.TraceId).ToList());
    }

    private static EntryRecord Record(string value) => new()
    {
        Version = 1,
        Kind = CacheEntryKind.Value,
        Value = System.Text.Encoding.UTF8.GetBytes(value),
        LastModified = Now,
    };
}
