using System.Diagnostics;
using StackExchange.Redis;

namespace CacheCluster.Storage;

/// <summary>
/// Group commit for the entry grains' fenced writes and deletes: a command that finds none in flight goes out at once;
/// commands that arrive while one is in flight wait and then go out together, as one script call. Each command keeps
/// its own fence and its own answer, and a command that Redis refuses fails alone. Under load this turns thousands of
/// script calls a second into a few hundred, which is most of what a write costs Redis; an idle silo adds no delay.
/// </summary>
internal sealed class RedisEntryCommits(RedisConnection connection)
{
    /// <summary>At most this many commands go in one script call.</summary>
    internal const int MaxCommands = 256;

    /// <summary>A call stops taking commands once their values pass this many bytes (it always takes one).</summary>
    internal const int MaxBytes = 1024 * 1024;

    /// <summary>At most this many script calls go out together (pipelined: one round trip) when more are waiting.</summary>
    internal const int MaxCallsAtOnce = 8;

    // ARGV[1] is the number of commands; each command then has: kind ('W' write, 'D' delete), its number of keys, its
    // fence, and its arguments. Its keys are KEYS[k + 1] (the entry), then the index sets: for a write, the sets it joins
    // (its last argument says how many) and then the sets it leaves; for a delete, the sets it leaves.
    // A write joins each set scored by its hard expiry, then stores the record, then leaves: should Redis refuse a step,
    // what is done by then can only be an extra registration (which costs a no-op at the next invalidation), never an
    // entry its tags cannot reach. Each command is answered 1 (applied), 0 (fence failed: nothing done) or Redis' error.
    // Joining a set keeps two things true without more than a look at its ends: expired members are pruned when the
    // set's first (earliest) member has expired, and the set expires with its latest member. The TTL is set from the
    // latest member after a prune, or when the set has none (PTTL -1: a member that never expires, or had one that has
    // left) and the new member expires; it moves to the new member's expiry when that is later than the TTL, and goes
    // for a member that never expires.
    // Otherwise it stays: should the latest member have left, the set outlives its members until then (readers skip
    // expired members) or until a write prunes it.
    // A write whose last joined set is a key index partition (its 'lex' argument is 1) has that partition's lex set
    // right after the joins: the key joins it at score 0, the members pruned from the score set leave it, and it
    // expires with the score set (RedisKeyIndex reads prefixes from it); a member new to the lex set brings its TTL in
    // line with the score set's, should the lex set have been created apart from it.
    private const string Script = """
        local function join(set, lexKey, score, member, now)
          local ttl = redis.call('PTTL', set)
          redis.call('ZADD', set, score, member)
          local newLex = lexKey and redis.call('ZADD', lexKey, 0, member) == 1
          local first, pruned = redis.call('ZRANGE', set, 0, 0, 'WITHSCORES'), false
          if first[2] ~= 'inf' and tonumber(first[2]) < now then
            if lexKey then
              local gone = redis.call('ZRANGEBYSCORE', set, '-inf', '(' .. now)
              for j = 1, #gone, 500 do redis.call('ZREM', lexKey, unpack(gone, j, math.min(j + 499, #gone))) end
            end
            redis.call('ZREMRANGEBYSCORE', set, '-inf', '(' .. now)
            pruned = true
          end
          local expire
          if pruned or (ttl == -1 and score ~= '+inf') then
            local last = redis.call('ZRANGE', set, -1, -1, 'WITHSCORES')
            if last[2] == nil then
              if lexKey then redis.call('DEL', lexKey) end
              return
            end
            if last[2] == 'inf' then expire = -1 else expire = math.max(1, tonumber(last[2]) - now) end
          elseif score == '+inf' then
            if ttl >= 0 then expire = -1 end
          elseif ttl == -2 or tonumber(score) - now > ttl then
            expire = math.max(1, tonumber(score) - now)
          end
          if expire == -1 then
            redis.call('PERSIST', set)
            if lexKey then redis.call('PERSIST', lexKey) end
          elseif expire then
            redis.call('PEXPIRE', set, expire)
            if lexKey then redis.call('PEXPIRE', lexKey, expire) end
          elseif newLex then
            if ttl >= 0 then redis.call('PEXPIRE', lexKey, math.max(1, ttl)) else redis.call('PERSIST', lexKey) end
          end
        end
        local function write(k, nkeys, a)
          local key, member, score, now, joins, lex = KEYS[k + 1], ARGV[a + 3], ARGV[a + 4], tonumber(ARGV[a + 5]), tonumber(ARGV[a + 6]), tonumber(ARGV[a + 7])
          for i = k + 2, k + joins + 1 do
            join(KEYS[i], (lex == 1 and i == k + joins + 1) and KEYS[i + 1] or nil, score, member, now)
          end
          if ARGV[a + 2] == '' then redis.call('SET', key, ARGV[a + 1]) else redis.call('SET', key, ARGV[a + 1], 'PX', ARGV[a + 2]) end
          for i = k + joins + lex + 2, k + nkeys do redis.call('ZREM', KEYS[i], member) end
        end
        local function delete(k, nkeys, a)
          redis.call('DEL', KEYS[k + 1])
          for i = k + 2, k + nkeys do redis.call('ZREM', KEYS[i], ARGV[a + 1]) end
        end
        local results = {}
        local k, a = 0, 2
        for c = 1, tonumber(ARGV[1]) do
          local kind, nkeys, nargs = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
          local fence = ARGV[a + 3]
          if redis.call('GETRANGE', KEYS[k + 1], 0, 7) ~= fence then
            results[c] = 0
          else
            local ok, err = pcall(kind == 'W' and write or delete, k, nkeys, a + 3)
            if ok then results[c] = 1 elseif type(err) == 'table' then results[c] = tostring(err.err) else results[c] = tostring(err) end
          end
          k = k + nkeys
          a = a + 3 + nargs
        end
        return results
        """;

    private readonly Lock _lock = new();
    private readonly Queue<EntryCommand> _waiting = new();
    private bool _sending;

    /// <summary>Runs <paramref name="command"/>, alone or together with others that are waiting.</summary>
    /// <returns><see langword="false"/> if its fence failed: nothing was written, removed or registered.</returns>
    /// <exception cref="CacheStorageException">Redis is unreachable or refused the command.</exception>
    public Task<bool> RunAsync(EntryCommand command)
    {
        command.Activity = StorageTracing.StartWrite(command.Operation);
        bool send;
        lock (_lock)
        {
            _waiting.Enqueue(command);
            send = !_sending;
            _sending = true;
        }

        if (send)
        {
            _ = SendAllAsync();
        }

        return command.Result;
    }

    /// <summary>
    /// Runs <paramref name="commands"/> together (a write-behind flush): queued at once, so that they go out in as few
    /// script calls as their number and size allow, sent together, whatever else is in flight.
    /// </summary>
    /// <returns>Each command's answer, in order, as <see cref="RunAsync"/> gives it.</returns>
    public Task<bool>[] RunAll(IReadOnlyList<EntryCommand> commands)
    {
        var results = new Task<bool>[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            commands[i].Activity = StorageTracing.StartWrite(commands[i].Operation);
            results[i] = commands[i].Result;
        }

        bool send;
        lock (_lock)
        {
            foreach (var command in commands)
            {
                _waiting.Enqueue(command);
            }

            send = !_sending && commands.Count > 0;
            _sending |= send;
        }

        if (send)
        {
            _ = SendAllAsync();
        }

        return results;
    }

    /// <summary>Sends what is waiting, calls after calls, until nothing is; never throws (each command gets its answer).</summary>
    private async Task SendAllAsync()
    {
        // The sender serves every writer after the first: its spans name their parents, never the first's by inheritance.
        Activity.Current = null;
        while (true)
        {
            var batches = new List<List<EntryCommand>>(1);
            lock (_lock)
            {
                if (_waiting.Count == 0)
                {
                    _sending = false;
                    return;
                }

                while (_waiting.Count > 0 && batches.Count < MaxCallsAtOnce)
                {
                    List<EntryCommand> batch = [_waiting.Dequeue()];
                    var bytes = batch[0].Bytes;
                    while (_waiting.Count > 0 && batch.Count < MaxCommands && bytes + _waiting.Peek().Bytes <= MaxBytes)
                    {
                        var next = _waiting.Dequeue();
                        bytes += next.Bytes;
                        batch.Add(next);
                    }

                    batches.Add(batch);
                }
            }

            // Several calls go out before any answer is awaited: the multiplexer pipelines them, and Redis runs them in order.
            await (batches.Count == 1 ? SendGuardedAsync(batches[0]) : Task.WhenAll(batches.Select(SendGuardedAsync))).ConfigureAwait(false);
        }
    }

    private async Task SendGuardedAsync(List<EntryCommand> batch)
    {
        try
        {
            await SendAsync(batch).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Anything unforeseen (an answer of the wrong shape) fails this batch only: the loop goes on, so later
            // commands are never left waiting behind a sender that stopped.
            foreach (var command in batch)
            {
                command.Fail(new CacheStorageException($"The entry command could not be completed: {ex.GetType().Name}."));
            }
        }
    }

    private async Task SendAsync(List<EntryCommand> batch)
    {
        // Sized exactly and filled in place: no list growth and no copy to the arrays the script call takes.
        int keyCount = 0, argumentCount = 1;
        foreach (var command in batch)
        {
            keyCount += command.Keys.Length;
            argumentCount += 3 + command.Arguments.Length;
        }

        var keys = new RedisKey[keyCount];
        var arguments = new RedisValue[argumentCount];
        arguments[0] = batch.Count;
        int k = 0, a = 1;
        foreach (var command in batch)
        {
            command.Keys.CopyTo(keys, k);
            k += command.Keys.Length;
            arguments[a++] = command.Kind;
            arguments[a++] = command.Keys.Length;
            arguments[a++] = command.Arguments.Length;
            command.Arguments.CopyTo(arguments, a);
            a += command.Arguments.Length;
        }

        using var activity = StorageTracing.StartCommit(batch);
        RedisResult[] answers;
        try
        {
            var operation = batch.Count == 1 ? batch[0].Operation : $"{batch[0].Operation} (with {batch.Count - 1} other entry commands)";
            answers = (RedisResult[])(await connection.RunAsync(operation, database => database.ScriptEvaluateAsync(Script, keys, arguments)).ConfigureAwait(false))!;
        }
        catch (CacheStorageException ex)
        {
            activity?.Fail(ex);
            foreach (var command in batch)
            {
                command.Fail(new CacheStorageException(ex.Message));
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            var answer = answers[i];
            if (answer.Resp2Type == ResultType.Integer)
            {
                batch[i].Complete((long)answer == 1);
            }
            else
            {
                batch[i].Fail(new CacheStorageException(
                    $"Redis refused part of the command; could not {batch[i].Operation}, which may or may not have been applied: {RedisConnectionString.Redact((string?)answer ?? "no reason given")}"));
            }
        }
    }
}

/// <summary>One fenced entry write or delete, waiting for its answer.</summary>
internal sealed class EntryCommand
{
    private readonly TaskCompletionSource<bool> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EntryCommand(string kind, string operation, RedisKey[] keys, RedisValue[] arguments, int bytes)
    {
        Kind = kind;
        Operation = operation;
        Keys = keys;
        Arguments = arguments;
        Bytes = bytes;
    }

    public string Kind { get; }

    /// <summary>What the command does, for messages.</summary>
    public string Operation { get; }

    /// <summary>The entry's key, then the index sets it joins (and a key index partition's lex set), then those it leaves.</summary>
    public RedisKey[] Keys { get; }

    /// <summary>The fence first, then the arguments of its kind.</summary>
    public RedisValue[] Arguments { get; }

    public int Bytes { get; }

    public Task<bool> Result => _result.Task;

    /// <summary>Gets or sets the command's storage span, from its queueing to its answer, or <see langword="null"/>.</summary>
    public Activity? Activity { get; set; }

    /// <summary>
    /// A write: the record with its TTL (milliseconds, or empty for none), joining <paramref name="joins"/> sets scored
    /// <paramref name="score"/>; with <paramref name="lex"/>, the last of them is a key index partition and the key after
    /// the joins its lex set.
    /// </summary>
    public static EntryCommand Write(RedisKey[] keys, RedisValue fence, byte[] record, RedisValue ttl, string member, RedisValue score, long nowMilliseconds, int joins, bool lex = false) =>
        new("W", "write the entry", keys, [fence, record, ttl, member, score, nowMilliseconds, joins, lex ? 1 : 0], record.Length);

    /// <summary>A delete: the record, and the key's membership of every set after the first key.</summary>
    public static EntryCommand Delete(RedisKey[] keys, RedisValue fence, string member) =>
        new("D", "delete the entry", keys, [fence, member], 0);

    public void Complete(bool applied)
    {
        StorageTracing.End(Activity, applied ? "applied" : "fenced", exception: null);
        _result.TrySetResult(applied);
    }

    public void Fail(Exception exception)
    {
        StorageTracing.End(Activity, "failed", exception);
        _result.TrySetException(exception);
    }
}
