using CacheCluster.Internal;

namespace CacheCluster.Tests.Internal;

/// <summary>
/// The coalescer's logic with a batch sender the test answers: reads go alone while slots are free, queue otherwise,
/// and go as one batch (each key once) when a slot frees; cancellation, failures and the key limit.
/// </summary>
public sealed class ReadCoalescerTests
{
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);

    private readonly List<(string[] Keys, TaskCompletionSource<CacheBatchAnswer<string>[]> Answer)> _sent = [];

    private ReadCoalescer<string> NewCoalescer(int maxInFlight, int maxBatch = 1000) =>
        new(maxInFlight, maxBatch, keys =>
        {
            // Continuations run inline (see AnswerAsync): once a batch is answered, its callers are answered and the slot passed on.
            var answer = new TaskCompletionSource<CacheBatchAnswer<string>[]>();
            lock (_sent)
            {
                _sent.Add((keys, answer));
            }

            return answer.Task;
        });

    /// <summary>
    /// Answers a batch from a thread without xUnit's synchronization context, where continuations may run inline: when
    /// this returns, the batch's callers are answered and the next batch (if any) is sent.
    /// </summary>
    private static Task AnswerAsync(TaskCompletionSource<CacheBatchAnswer<string>[]> batch, CacheBatchAnswer<string>[] answers) =>
        Task.Run(() => batch.SetResult(answers));

    private static Task AnswerAsync(TaskCompletionSource<CacheBatchAnswer<string>[]> batch, Exception failure) =>
        Task.Run(() => batch.SetException(failure));

    private static CacheBatchAnswer<string>[] Values(string[] keys) => [.. keys.Select(k => new CacheBatchAnswer<string>("value of " + k, null))];

    [Fact]
    public void ReadCoalescer_UnderTheLimit_SendsEachReadAlone_ThenQueues()
    {
        var coalescer = NewCoalescer(maxInFlight: 2);

        Assert.True(coalescer.TryEnter("a", default, out _));
        Assert.True(coalescer.TryEnter("b", default, out _));
        Assert.False(coalescer.TryEnter("c", default, out var queued));

        Assert.False(queued.IsCompleted);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task ReadCoalescer_SlotFrees_QueueGoesAsOneBatch_EachKeyOnce_EachCallerItsOwnAnswer()
    {
        var coalescer = NewCoalescer(maxInFlight: 1);
        Assert.True(coalescer.TryEnter("a", default, out _));
        var waiting = new[] { "b", "c", "b", "d" }.Select(key => (key, coalescer.TryEnter(key, default, out var task) ? null : task)).ToArray();

        coalescer.Exit();

        var (keys, answer) = Assert.Single(_sent);
        Assert.Equal(["b", "c", "d"], keys);
        await AnswerAsync(answer, Values(keys));
        foreach (var (key, task) in waiting)
        {
            Assert.Equal("value of " + key, (await task!.WaitAsync(WaitLimit)).Result);
        }

        Assert.Equal(1, coalescer.BatchesSent);
    }

    [Fact]
    public async Task ReadCoalescer_BatchCompletes_NextQueueGoes_ThenTheSlotIsFree()
    {
        var coalescer = NewCoalescer(maxInFlight: 1, maxBatch: 2);
        Assert.True(coalescer.TryEnter("a", default, out _));
        Assert.False(coalescer.TryEnter("b", default, out var b));
        Assert.False(coalescer.TryEnter("c", default, out var c));
        Assert.False(coalescer.TryEnter("d", default, out var d));

        coalescer.Exit();
        Assert.Equal(["b", "c"], _sent[0].Keys);
        await AnswerAsync(_sent[0].Answer, Values(_sent[0].Keys));
        await Task.WhenAll(b, c).WaitAsync(WaitLimit);
        Assert.Equal(2, _sent.Count);
        Assert.Equal(["d"], _sent[1].Keys);
        await AnswerAsync(_sent[1].Answer, Values(_sent[1].Keys));
        Assert.Equal("value of d", (await d.WaitAsync(WaitLimit)).Result);

        Assert.Equal(2, coalescer.BatchesSent);
        Assert.True(coalescer.TryEnter("e", default, out _), "the slot was not freed");
    }

    [Fact]
    public async Task ReadCoalescer_CallerCancelledBeforeItsBatch_IsLeftOut_OthersAnswered()
    {
        var coalescer = NewCoalescer(maxInFlight: 1);
        using var cancel = new CancellationTokenSource();
        Assert.True(coalescer.TryEnter("a", default, out _));
        Assert.False(coalescer.TryEnter("gone", cancel.Token, out var gone));
        Assert.False(coalescer.TryEnter("kept", default, out var kept));

        await cancel.CancelAsync();
        coalescer.Exit();

        Assert.Equal(["kept"], Assert.Single(_sent).Keys);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone.WaitAsync(WaitLimit));
        await AnswerAsync(_sent[0].Answer, Values(_sent[0].Keys));
        Assert.Equal("value of kept", (await kept.WaitAsync(WaitLimit)).Result);
    }

    [Fact]
    public async Task ReadCoalescer_CallerCancelsWhileItsBatchIsOut_StopsWaiting_OthersAnswered()
    {
        var coalescer = NewCoalescer(maxInFlight: 1);
        using var cancel = new CancellationTokenSource();
        Assert.True(coalescer.TryEnter("a", default, out _));
        Assert.False(coalescer.TryEnter("impatient", cancel.Token, out var impatient));
        Assert.False(coalescer.TryEnter("patient", default, out var patient));
        coalescer.Exit();
        var waiting = impatient.WaitAsync(cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await AnswerAsync(_sent[0].Answer, Values(_sent[0].Keys));
        Assert.Equal("value of patient", (await patient.WaitAsync(WaitLimit)).Result);
    }

    [Fact]
    public async Task ReadCoalescer_BatchFails_EveryCallerOfItGetsTheFailure_AndTheSlotIsFreed()
    {
        var coalescer = NewCoalescer(maxInFlight: 1);
        Assert.True(coalescer.TryEnter("a", default, out _));
        Assert.False(coalescer.TryEnter("b", default, out var b));
        Assert.False(coalescer.TryEnter("c", default, out var c));
        coalescer.Exit();

        var failure = new CacheClusterUnavailableException("down");
        await AnswerAsync(_sent[0].Answer, failure);

        Assert.Same(failure, await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => b.WaitAsync(WaitLimit)));
        Assert.Same(failure, await Assert.ThrowsAsync<CacheClusterUnavailableException>(() => c.WaitAsync(WaitLimit)));
        Assert.True(coalescer.TryEnter("d", default, out _), "the slot was not freed");
    }

    [Fact]
    public async Task ReadCoalescer_OneKeysError_IsThatCallersAnswerOnly()
    {
        var coalescer = NewCoalescer(maxInFlight: 1);
        Assert.True(coalescer.TryEnter("a", default, out _));
        Assert.False(coalescer.TryEnter("bad", default, out var bad));
        Assert.False(coalescer.TryEnter("good", default, out var good));
        coalescer.Exit();

        var error = new CacheWrongTypeException("a list") { Key = "bad", Operation = "Get" };
        await AnswerAsync(_sent[0].Answer, [new CacheBatchAnswer<string>(null, error), new CacheBatchAnswer<string>("value of good", null)]);

        Assert.Same(error, (await bad.WaitAsync(WaitLimit)).Error);
        Assert.Equal("value of good", (await good.WaitAsync(WaitLimit)).Result);
    }
}
