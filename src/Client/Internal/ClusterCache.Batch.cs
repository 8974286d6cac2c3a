using System.Runtime.ExceptionServices;
using CacheCluster.Resilience;

namespace CacheCluster.Internal;

/// <summary>
/// Multi-key reads, writes and removes: one message per 1,000 keys to a stateless batch grain on the gateway silo,
/// which calls every key's entry grain at once. Everything a single-key call does per key is done per key here: key
/// validation (all keys, before anything is sent), the near cache, the write queue, per-key circuits and the failure
/// modes.
/// </summary>
internal sealed partial class ClusterCache
{
    public Task<IReadOnlyList<CacheReadResult>> GetManyBytesAsync(IReadOnlyList<string> keys, CacheReadOptions? readOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ValidateKeys(keys);
        cancellationToken.ThrowIfCancellationRequested();
        return ReadManyAsync(keys, readOptions?.UseNearCache ?? _options.NearCache.Enabled, bound: null, cancellationToken);
    }

    /// <summary>Reads many keys, tracked by the near cache (kept for at most <paramref name="bound"/>) when <paramref name="useNear"/>.</summary>
    private async Task<IReadOnlyList<CacheReadResult>> ReadManyAsync(IReadOnlyList<string> keys, bool useNear, TimeSpan? bound, CancellationToken cancellationToken)
    {
        var results = new CacheReadResult[keys.Count];
        var near = useNear ? Near : null;
        var asked = new List<int>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            var key = keys[i];
            if (near is not null && near.TryGetCompleted(key, out var hit))
            {
                _metrics.NearHit();
                results[i] = hit.Result;
            }
            else if (HasPendingWrite(key, out var pending))
            {
                results[i] = pending?.Kind == QueuedWriteKind.Remove
                    ? CacheReadResult.Missing
                    : ReadFailed(key, Refused(key, ClusterOperation.GetMany, "a write of this client that the cluster has not taken yet waits"));
            }
            else if (_resilience is { } state && state.Keys.IsOpen(key))
            {
                results[i] = ReadFailed(key, Refused(key, ClusterOperation.GetMany, "the key's last call timed out"));
            }
            else
            {
                asked.Add(i);
            }
        }

        if (asked.Count == 0)
        {
            return results;
        }

        var askedKeys = asked.Select(i => keys[i]).ToArray();
        var markers = near is null ? null : askedKeys.Select(near.BeginRead).ToArray();
        CacheBatchAnswer<CacheTrackedRead>[] answers;
        try
        {
            answers = await BatchAsync(askedKeys, ClusterOperation.GetMany, (batch, range) => batch.GetManyAsync(askedKeys[range], near?.Reference), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCacheFailure(ex) && _options.Resilience.ReadFailureMode == CacheReadFailureMode.Miss && !cancellationToken.IsCancellationRequested)
        {
            foreach (var i in asked)
            {
                results[i] = ReadFailed(keys[i], ex);
            }

            return results;
        }

        for (var j = 0; j < asked.Count; j++)
        {
            var key = askedKeys[j];
            var answer = answers[j];
            if (answer.Error is { } error)
            {
                results[asked[j]] = ReadFailed(key, KeyError(error, key, ClusterOperation.GetMany));
                continue;
            }

            var read = answer.Result!;
            if (near is not null)
            {
                _metrics.NearMiss();
                if (_resilience is { Queue.Count: > 0 })
                {
                    near.Invalidate(key);
                }
                else
                {
                    near.Complete(key, markers![j], read, bound);
                }
            }

            results[asked[j]] = RemovedHere(key, read.Result) ? CacheReadResult.Missing : read.Result;
        }

        return results;
    }

    public async Task<IReadOnlyDictionary<string, CacheResult<T>>> GetManyAsync<T>(IEnumerable<string> keys, CacheReadOptions? readOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = keys.Distinct(StringComparer.Ordinal).ToArray();
        var reads = await GetManyBytesAsync(distinct, readOptions, cancellationToken).ConfigureAwait(false);
        var values = new Dictionary<string, CacheResult<T>>(distinct.Length, StringComparer.Ordinal);
        for (var i = 0; i < distinct.Length; i++)
        {
            values[distinct[i]] = Typed<T>(reads[i]);
        }

        return values;
    }

    public Task<IReadOnlyList<CacheWriteResult>> SetManyAsync<T>(IEnumerable<KeyValuePair<string, T>> items, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var list = items.ToArray();
        ValidateKeys([.. list.Select(item => item.Key)]);
        return SetManyBytesAsync([.. list.Select(item => KeyValuePair.Create(item.Key, Serializer.Serialize(item.Value)))], options, cancellationToken);
    }

    public async Task<IReadOnlyList<CacheWriteResult>> SetManyBytesAsync(IReadOnlyList<KeyValuePair<string, CacheValue>> items, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ValidateKeys([.. items.Select(item => item.Key)]);
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item.Value, nameof(items));
        }

        var entryOptions = options ?? _options.DefaultEntryOptions;
        entryOptions?.Validate();
        cancellationToken.ThrowIfCancellationRequested();

        // As MSET: for a key given twice the last value is written, and both items answer with its result.
        var last = new Dictionary<string, int>(items.Count, StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            last[items[i].Key] = i;
        }

        var byKey = new Dictionary<string, CacheWriteResult>(last.Count, StringComparer.Ordinal);
        var sent = new List<CacheBatchWrite>(last.Count);
        var alone = new List<KeyValuePair<string, CacheValue>>();
        foreach (var (key, index) in last)
        {
            _near?.Invalidate(key);
            if (HasPendingWrite(key, out _) || (_resilience is { } state && state.Keys.IsOpen(key)))
            {
                // A queued write of this key goes first, and an open circuit refuses: the single-key path does both.
                alone.Add(items[index]);
            }
            else
            {
                sent.Add(new CacheBatchWrite(key, items[index].Value, entryOptions));
            }
        }

        ExceptionDispatchInfo? firstError = null;
        try
        {
            foreach (var item in alone)
            {
                try
                {
                    byKey[item.Key] = await SetBytesAsync(item.Key, item.Value, entryOptions, CacheWriteCondition.Always, cancellationToken).ConfigureAwait(false);
                }
                catch (CacheClusterException ex)
                {
                    firstError ??= ExceptionDispatchInfo.Capture(ex);
                }
            }

            if (sent.Count > 0)
            {
                var writes = sent.ToArray();
                CacheBatchAnswer<CacheWriteResult>[]? answers = null;
                Exception? batchError = null;
                try
                {
                    answers = await BatchAsync(writes.Select(w => w.Key).ToArray(), ClusterOperation.SetMany, (batch, range) => batch.SetManyAsync(writes[range]), cancellationToken).ConfigureAwait(false);
                }
                catch (CacheClusterUnavailableException ex)
                {
                    batchError = ex;
                }

                for (var j = 0; j < writes.Length; j++)
                {
                    var error = batchError ?? (answers![j].Error is { } keyError ? KeyError(keyError, writes[j].Key, ClusterOperation.SetMany) : null);
                    if (error is null)
                    {
                        byKey[writes[j].Key] = answers![j].Result!;
                    }
                    else if (QueueSet(writes[j], error))
                    {
                        byKey[writes[j].Key] = new CacheWriteResult(CacheWriteOutcome.Queued, 0);
                    }
                    else
                    {
                        firstError ??= ExceptionDispatchInfo.Capture(error);
                    }
                }
            }
        }
        finally
        {
            foreach (var key in last.Keys)
            {
                _near?.Invalidate(key);
            }
        }

        firstError?.Throw();
        return [.. items.Select(item => byKey[item.Key])];
    }

    public async Task<long> RemoveManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = keys.Distinct(StringComparer.Ordinal).ToArray();
        ValidateKeys(distinct);
        cancellationToken.ThrowIfCancellationRequested();
        long removed = 0;
        var sent = new List<string>(distinct.Length);
        foreach (var key in distinct)
        {
            _near?.Invalidate(key);
            if (HasPendingWrite(key, out _))
            {
                // Its queued write goes first, as RemoveAsync does it.
                removed += await RemoveAsync(key, cancellationToken).ConfigureAwait(false) ? 1 : 0;
            }
            else
            {
                sent.Add(key);
            }
        }

        if (sent.Count == 0)
        {
            return removed;
        }

        var sentKeys = sent.ToArray();
        ExceptionDispatchInfo? firstError = null;
        try
        {
            CacheBatchAnswer<bool>[]? answers = null;
            Exception? batchError = null;
            try
            {
                answers = await BatchAsync(sentKeys, ClusterOperation.RemoveMany, (batch, range) => batch.RemoveManyAsync(sentKeys[range]), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsCacheFailure(ex))
            {
                batchError = ex;
            }

            for (var j = 0; j < sentKeys.Length; j++)
            {
                var key = sentKeys[j];
                var error = batchError ?? (answers![j].Error is { } keyError ? KeyError(keyError, key, ClusterOperation.RemoveMany) : null);
                if (error is null)
                {
                    removed += answers![j].Result ? 1 : 0;
                    continue;
                }

                if (IsCacheFailure(error))
                {
                    // Never lost: kept and applied when the cluster is back, as RemoveAsync keeps it.
                    var write = new QueuedWrite(QueuedWriteKind.Remove, WriteQueue.Target(key), key, ct => CallAsync(key, ClusterOperation.Delete, static g => g.DeleteAsync(), ct, queued: true));
                    if (Enqueue(write, error) && _options.Resilience.RemoveFailureMode == CacheWriteFailureMode.Queue)
                    {
                        continue;
                    }

                    error = Kept(error, key, ClusterOperation.Delete);
                }

                firstError ??= ExceptionDispatchInfo.Capture(error);
            }
        }
        finally
        {
            foreach (var key in sentKeys)
            {
                _near?.Invalidate(key);
            }
        }

        firstError?.Throw();
        return removed;
    }

    /// <summary>Checks every key before anything is sent, as each single-key call checks its own.</summary>
    private void ValidateKeys(IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            CacheKey.Validate(key, _options.MaxKeyBytes);
        }
    }

    /// <summary>
    /// Sends a batch: one call per <see cref="ICacheBatchGrain.MaxKeys"/> keys (all at once), through the connection
    /// check, the breaker and the soft timeout as every call; the answers come back in the order of <paramref name="keys"/>.
    /// </summary>
    private async Task<CacheBatchAnswer<T>[]> BatchAsync<T>(string[] keys, ClusterOperation operation, Func<ICacheBatchGrain, Range, Task<CacheBatchAnswer<T>[]>> call, CancellationToken cancellationToken, TimeSpan extraWait = default)
    {
        monitor?.ThrowIfNotConnected(keys[0], operation);
        var batch = client.GetGrain<ICacheBatchGrain>(0);
        var target = keys.Length == 1 ? keys[0] : $"{keys[0]} and {keys.Length - 1} more";
        if (keys.Length <= ICacheBatchGrain.MaxKeys)
        {
            return await SendAsync(target, operation, () => call(batch, Range.All), extraWait, cancellationToken).ConfigureAwait(false);
        }

        var chunks = new List<Task<CacheBatchAnswer<T>[]>>();
        for (var start = 0; start < keys.Length; start += ICacheBatchGrain.MaxKeys)
        {
            var range = new Range(start, Math.Min(start + ICacheBatchGrain.MaxKeys, keys.Length));
            chunks.Add(SendAsync(target, operation, () => call(batch, range), extraWait, cancellationToken));
        }

        var answers = await Task.WhenAll(chunks).ConfigureAwait(false);
        return [.. answers.SelectMany(chunk => chunk)];
    }

    /// <summary>One key's error as the single-key call would throw it: transport failures become unavailable.</summary>
    private static Exception KeyError(Exception error, string key, ClusterOperation operation) =>
        ClusterErrors.IsUnavailable(error) ? ClusterErrors.Unavailable(error, key, operation) : error;

    /// <summary>One key of a batch read the cluster could not answer: a miss under the read failure mode, else its error.</summary>
    private CacheReadResult ReadFailed(string key, Exception error)
    {
        if (IsCacheFailure(error) && _options.Resilience.ReadFailureMode == CacheReadFailureMode.Miss)
        {
            _metrics.Fallback("miss");
            LogDebugFallback(error, CacheKey.Hash(key), "miss");
            return CacheReadResult.Missing;
        }

        ExceptionDispatchInfo.Throw(error);
        return CacheReadResult.Missing;
    }

    /// <summary>Queues one key of a batch set the cluster did not take, as SetBytesAsync does under the queue failure mode.</summary>
    private bool QueueSet(CacheBatchWrite write, Exception error)
    {
        if (error is not CacheClusterUnavailableException || _options.Resilience.SetFailureMode != CacheWriteFailureMode.Queue)
        {
            return false;
        }

        var (key, value, options) = (write.Key, write.Value, write.Options);
        var queued = new QueuedWrite(QueuedWriteKind.Set, WriteQueue.Target(key), key, ct => CallAsync(key, ClusterOperation.Set, g => g.SetAsync(value, options, CacheWriteCondition.Always), ct, queued: true));
        return Enqueue(queued, error);
    }
}
