using System.Collections.Concurrent;
using System.Text;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CacheCluster.Invalidation;

/// <summary>
/// The key index for pattern invalidation, per partition: the sorted set <c>{ServiceId}/k/{partition}</c> scored by
/// each key's expiry (as a tag's), and beside it <c>{ServiceId}/kl/{partition}</c>, the same keys at one score, so that a
/// pattern's literal prefix is a <c>ZRANGEBYLEX</c> range: O(log N + matches). Both sets change in the entry store's
/// script calls (<see cref="RedisEntryCommits"/>); a read takes the live ones (score set) from the prefix range (lex set).
/// </summary>
/// <remarks>
/// Data written by a version without the lex set: a partition's lex set counts as complete only once the marker
/// <c>{ServiceId}/kl-ready/{partition}</c> exists. Until then a read falls back to the full read of the score set (the
/// old cost), and the first such read starts, in the background, a paged copy of the score set into the lex set
/// (<c>ZSCAN</c>, one script call per page) that sets the marker when done. New writes maintain both sets meanwhile.
/// </remarks>
internal sealed partial class RedisKeyIndex(RedisConnection connection, IOptions<CacheClusterOptions> options, ILogger<RedisKeyIndex> logger) : IKeyIndex
{
    /// <summary>How many score set members one backfill script call copies, about.</summary>
    internal const int BackfillPage = 1000;

    // KEYS: score set, lex set, marker. ARGV: now (ms), min, max (ZRANGEBYLEX specs), limit. Nil: no marker yet.
    // Lex members whose score set entry is gone or expired (not pruned yet) are skipped; reading goes on, a chunk at a
    // time from the last member seen, until the limit is met or the range ends.
    private const string RangeScript = """
        if redis.call('EXISTS', KEYS[3]) == 0 then return false end
        local now, limit, min = tonumber(ARGV[1]), tonumber(ARGV[4]), ARGV[2]
        local chunk = math.min(math.max(limit, 64), 5000)
        local out = {}
        while true do
          local page = redis.call('ZRANGEBYLEX', KEYS[2], min, ARGV[3], 'LIMIT', 0, chunk)
          for _, m in ipairs(page) do
            local s = redis.call('ZSCORE', KEYS[1], m)
            if s and (s == 'inf' or tonumber(s) > now) then
              out[#out + 1] = m
              if #out == limit then return out end
            end
          end
          if #page < chunk then return out end
          min = '(' .. page[#page]
        end
        """;

    // KEYS: score set, lex set, marker. ARGV: cursor, count. Copies one ZSCAN page; at the end, the score set's TTL
    // and the marker. Returns the next cursor.
    private const string BackfillScript = """
        local r = redis.call('ZSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[2])
        for i = 1, #r[2], 2 do redis.call('ZADD', KEYS[2], 0, r[2][i]) end
        if r[1] == '0' then
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) elseif ttl == -1 then redis.call('PERSIST', KEYS[2]) end
          redis.call('SET', KEYS[3], '1')
        end
        return r[1]
        """;

    private readonly RedisTagIndex _scores = new(connection, ScorePrefix(options.Value.ServiceId));
    private readonly string _serviceId = options.Value.ServiceId;
    private static readonly Comparer<byte[]> ByteOrder = Comparer<byte[]>.Create(static (x, y) => x.AsSpan().SequenceCompareTo(y));

    private readonly ConcurrentDictionary<string, Task<bool>> _backfills = new(StringComparer.Ordinal);

    /// <summary>The score set of a partition.</summary>
    internal static string ScorePrefix(string serviceId) => $"{serviceId}/k/";

    /// <summary>The lex set of a partition.</summary>
    internal static string LexPrefix(string serviceId) => $"{serviceId}/kl/";

    /// <summary>The marker saying a partition's lex set holds every key of its score set.</summary>
    internal static string ReadyPrefix(string serviceId) => $"{serviceId}/kl-ready/";

    /// <summary>Gets the running or finished backfill of <paramref name="partition"/>, if one was started (tests).</summary>
    internal Task<bool>? BackfillOf(string partition) => _backfills.TryGetValue(partition, out var task) ? task : null;

    public Task AddAsync(IReadOnlyCollection<string> tags, string key, DateTimeOffset? expiresAt, DateTimeOffset now) =>
        throw new NotSupportedException("Keys join the key index through the entry store's indexed writes.");

    public Task RemoveAsync(IReadOnlyCollection<string> tags, string key) =>
        throw new NotSupportedException("Keys leave the key index through the entry store's indexed deletes.");

    public Task<IReadOnlyList<string>> MembersAsync(string tag, DateTimeOffset now) => _scores.MembersAsync(tag, now);

    public async Task<IReadOnlyList<string>> RangeAsync(string partition, string prefix, string? after, int limit, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var afterBytes = after is null ? null : Encoding.UTF8.GetBytes(after);
        var exclusive = afterBytes is not null && afterBytes.AsSpan().SequenceCompareTo(prefixBytes) >= 0;
        RedisValue min = exclusive ? Bound((byte)'(', afterBytes!) : prefixBytes.Length == 0 ? "-" : Bound((byte)'[', prefixBytes);
        RedisValue max = prefixBytes.Length == 0 ? "+" : Bound((byte)'(', Successor(prefixBytes));
        var result = await connection.RunAsync("read the key index range", database => database.ScriptEvaluateAsync(
            RangeScript,
            [ScorePrefix(_serviceId) + partition, LexPrefix(_serviceId) + partition, ReadyPrefix(_serviceId) + partition],
            [now.ToUnixTimeMilliseconds(), min, max, limit])).ConfigureAwait(false);
        if (!result.IsNull)
        {
            return [.. ((RedisValue[])result!).Select(m => (string)m!)];
        }

        // Written by a version without the lex set: the full read, once per page, until the backfill is done.
        StartBackfill(partition);
        var members = await _scores.MembersAsync(partition, now).ConfigureAwait(false);
        return [.. members
            .Select(key => (Key: key, Bytes: Encoding.UTF8.GetBytes(key)))
            .Where(m => m.Bytes.AsSpan().StartsWith(prefixBytes) && (afterBytes is null || m.Bytes.AsSpan().SequenceCompareTo(afterBytes) > 0))
            .OrderBy(m => m.Bytes, ByteOrder)
            .Take(limit)
            .Select(m => m.Key)];
    }

    /// <summary>The least byte string above every string starting with <paramref name="prefix"/> (UTF-8 has no 0xFF byte).</summary>
    internal static byte[] Successor(byte[] prefix)
    {
        var end = prefix.Length;
        while (end > 0 && prefix[end - 1] == 0xFF)
        {
            end--;
        }

        var next = prefix[..end];
        next[^1]++;
        return next;
    }

    private static byte[] Bound(byte kind, byte[] value)
    {
        var bound = new byte[value.Length + 1];
        bound[0] = kind;
        value.CopyTo(bound, 1);
        return bound;
    }

    private void StartBackfill(string partition)
    {
        // One at a time per partition; a failed one is started again by the next read that falls back.
        if (_backfills.TryGetValue(partition, out var running) && !(running.IsCompleted && !running.Result))
        {
            return;
        }

        var task = new Task<Task<bool>>(() => BackfillAsync(partition));
        var backfill = task.Unwrap();
        var added = running is null ? _backfills.TryAdd(partition, backfill) : _backfills.TryUpdate(partition, backfill, running);
        if (added)
        {
            task.Start(TaskScheduler.Default);
        }
    }

    private async Task<bool> BackfillAsync(string partition)
    {
        RedisKey[] keys = [ScorePrefix(_serviceId) + partition, LexPrefix(_serviceId) + partition, ReadyPrefix(_serviceId) + partition];
        try
        {
            RedisValue cursor = "0";
            do
            {
                var next = cursor;
                cursor = (RedisValue)await connection.RunAsync("backfill the key index", database => database.ScriptEvaluateAsync(BackfillScript, keys, [next, BackfillPage])).ConfigureAwait(false);
            }
            while (cursor != "0");
            LogInformationBackfilled(partition);
            return true;
        }
        catch (Exception ex) when (ex is CacheStorageException or InvalidCastException)
        {
            LogWarningBackfillFailed(ex, partition);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Key index partition {Partition}: the prefix index now holds every key written before it existed.")]
    private partial void LogInformationBackfilled(string partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key index partition {Partition}: copying keys into the prefix index failed; prefix reads fall back to the full read until it is retried.")]
    private partial void LogWarningBackfillFailed(Exception exception, string partition);
}
