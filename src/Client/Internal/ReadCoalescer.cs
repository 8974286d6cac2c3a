namespace CacheCluster.Internal;

/// <summary>
/// Smart batching of one client's concurrent single-key reads. While fewer than <c>maxInFlight</c> coalesced calls
/// are out, a read goes alone at once (the caller sends it and calls <see cref="Exit"/>): no latency is added at low
/// load. Otherwise it waits in a queue, and when a call in flight completes the queue goes as one batch (at most
/// <c>maxBatch</c> distinct keys, each key sent once however many callers wait for it). No timers, no delays: the
/// batch forms while the calls before it are out.
/// </summary>
/// <typeparam name="T">One key's answer.</typeparam>
/// <remarks>
/// Each waiter gets its own key's answer (or the batch's failure) and may stop waiting on its own (its cancellation,
/// its timeout): the batch goes on for the others. A waiter already cancelled when its batch forms is left out.
/// </remarks>
internal sealed class ReadCoalescer<T>
{
    private readonly Lock _lock = new();
    private readonly int _maxInFlight;
    private readonly int _maxBatch;
    private readonly Func<string[], Task<CacheBatchAnswer<T>[]>> _sendMany;
    private readonly Queue<Waiter> _queue = new();
    private readonly List<Waiter> _scratchWaiters = [];
    private readonly Dictionary<string, int> _scratchPositions = new(StringComparer.Ordinal);
    private readonly List<string> _scratchKeys = [];
    private int _inFlight;

    /// <param name="maxInFlight">How many coalesced calls may be out before reads queue.</param>
    /// <param name="maxBatch">The most distinct keys one batch takes.</param>
    /// <param name="sendMany">Sends one batch; answers in the order of the keys given.</param>
    public ReadCoalescer(int maxInFlight, int maxBatch, Func<string[], Task<CacheBatchAnswer<T>[]>> sendMany)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxInFlight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBatch);
        ArgumentNullException.ThrowIfNull(sendMany);
        _maxInFlight = maxInFlight;
        _maxBatch = maxBatch;
        _sendMany = sendMany;
    }

    /// <summary>Gets how many batches were sent (for tests).</summary>
    internal int BatchesSent { get; private set; }

    /// <summary>
    /// Joins the coalescer: <see langword="true"/> when the caller sends its read alone now (and then must call
    /// <see cref="Exit"/> once it completed, whatever the outcome); otherwise <paramref name="queued"/> is the key's
    /// answer in a later batch, failed with the batch's exception when the batch failed as a whole.
    /// </summary>
    public bool TryEnter(string key, CancellationToken cancellationToken, out Task<CacheBatchAnswer<T>> queued)
    {
        lock (_lock)
        {
            if (_inFlight < _maxInFlight)
            {
                _inFlight++;
                queued = null!;
                return true;
            }

            var waiter = new Waiter(key, cancellationToken);
            _queue.Enqueue(waiter);
            queued = waiter.Task;
            return false;
        }
    }

    /// <summary>A call in flight completed: its slot goes to the queue as one batch, or is freed when none waits.</summary>
    public void Exit()
    {
        Waiter[]? batch;
        string[] keys;
        lock (_lock)
        {
            batch = TakeBatch(out keys);
            if (batch is null)
            {
                _inFlight--;
                return;
            }

            BatchesSent++;
        }

        _ = SendAsync(batch, keys);
    }

    /// <summary>
    /// Takes the waiters of the next batch (FIFO, up to the key limit) and its distinct keys, each waiter told its key's
    /// position; <see langword="null"/> when none waits. Under the lock: the scratch collections are reused.
    /// </summary>
    private Waiter[]? TakeBatch(out string[] keys)
    {
        var waiters = _scratchWaiters;
        var positions = _scratchPositions;
        var distinct = _scratchKeys;
        try
        {
            while (_queue.TryPeek(out var waiter))
            {
                if (waiter.CancellationToken.IsCancellationRequested)
                {
                    _queue.Dequeue();
                    waiter.TrySetCanceled(waiter.CancellationToken);
                    continue;
                }

                if (!positions.TryGetValue(waiter.Key, out var position))
                {
                    if (distinct.Count == _maxBatch)
                    {
                        break;
                    }

                    position = distinct.Count;
                    positions.Add(waiter.Key, position);
                    distinct.Add(waiter.Key);
                }

                waiter.Position = position;
                waiters.Add(_queue.Dequeue());
            }

            keys = [.. distinct];
            return waiters.Count == 0 ? null : [.. waiters];
        }
        finally
        {
            waiters.Clear();
            positions.Clear();
            distinct.Clear();
        }
    }

    private async Task SendAsync(Waiter[] batch, string[] keys)
    {
        try
        {
            CacheBatchAnswer<T>[] answers;
            try
            {
                answers = await _sendMany(keys).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                foreach (var waiter in batch)
                {
                    waiter.TrySetException(ex);
                }

                return;
            }

            foreach (var waiter in batch)
            {
                waiter.TrySetResult(answers[waiter.Position]);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>One queued read: its key, its caller's token, and its answer (the waiter is its own promise: one allocation).</summary>
    private sealed class Waiter(string key, CancellationToken cancellationToken)
        : TaskCompletionSource<CacheBatchAnswer<T>>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public string Key { get; } = key;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>Gets or sets the position of its key in its batch (set when the batch forms).</summary>
        public int Position { get; set; }
    }
}
