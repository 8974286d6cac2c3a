using System.Text;
using CacheCluster.Entries;
using CacheCluster.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CacheCluster.Storage;

/// <summary>
/// Entries in Redis: one string per key under <c>{ServiceId}/e/</c>, holding the compact record, with a Redis TTL equal
/// to the entry's hard expiry. Writes and deletes run as Lua scripts fenced on the record's leading version bytes; the
/// indexed ones (every entry grain's) go through <see cref="RedisEntryCommits"/>, many to a script call under load.
/// </summary>
internal sealed class RedisEntryStore(RedisConnection connection, IOptions<CacheClusterOptions> options) : IEntryStore
{
    // GETRANGE of a missing key is "", which is what a writer that expects the key absent passes.
    private const string WriteScript = """
        if redis.call('GETRANGE', KEYS[1], 0, 7) ~= ARGV[1] then return 0 end
        if ARGV[3] == '' then redis.call('SET', KEYS[1], ARGV[2]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
        return 1
        """;

    private const string DeleteScript = """
        if redis.call('GETRANGE', KEYS[1], 0, 7) ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[1])
        return 1
        """;

    private readonly RedisEntryCommits _commits = new(connection);
    private readonly byte[] _prefix = Encoding.UTF8.GetBytes($"{options.Value.ServiceId}/e/");
    private readonly string _tagPrefix = $"{options.Value.ServiceId}/t/";
    private readonly string _keyIndexPrefix = Invalidation.RedisKeyIndex.ScorePrefix(options.Value.ServiceId);
    private readonly string _lexIndexPrefix = Invalidation.RedisKeyIndex.LexPrefix(options.Value.ServiceId);

    public async Task<EntryRecord?> ReadAsync(string key, CancellationToken cancellationToken = default)
    {
        using var lease = await connection.RunAsync("read the entry", database => database.StringGetLeaseAsync(RedisKeyFor(key))).ConfigureAwait(false);
        return lease is null ? null : EntryRecordFormat.Deserialize(lease.Span);
    }

    public async Task<bool> WriteAsync(string key, EntryRecord record, long expectedVersion, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        RedisValue ttl = timeToLive is { } t ? (long)Math.Max(1, Math.Ceiling(t.TotalMilliseconds)) : RedisValue.EmptyString;
        var result = await connection.RunAsync("write the entry", database => database.ScriptEvaluateAsync(
            WriteScript,
            [RedisKeyFor(key)],
            [Fence(expectedVersion), EntryRecordFormat.Serialize(record), ttl])).ConfigureAwait(false);
        return (long)result == 1;
    }

    public Task<bool> WriteIndexedAsync(string key, EntryRecord record, long expectedVersion, TimeSpan? timeToLive, IReadOnlyCollection<string> tags, string? keyIndexPartition, IReadOnlyCollection<string> droppedTags, DateTimeOffset now) =>
        _commits.RunAsync(WriteCommand(key, record, expectedVersion, timeToLive, tags, keyIndexPartition, droppedTags, now));

    public Task<bool> DeleteIndexedAsync(string key, long expectedVersion, IReadOnlyCollection<string> tags, string keyIndexPartition) =>
        _commits.RunAsync(DeleteCommand(key, expectedVersion, tags, keyIndexPartition));

    public Task<bool>[] CommitMany(IReadOnlyList<EntryChange> changes)
    {
        var commands = new EntryCommand[changes.Count];
        for (var i = 0; i < changes.Count; i++)
        {
            var c = changes[i];
            commands[i] = c.Record is null
                ? DeleteCommand(c.Key, c.ExpectedVersion, c.Tags, c.KeyIndexPartition!)
                : WriteCommand(c.Key, c.Record, c.ExpectedVersion, c.TimeToLive, c.Tags, c.KeyIndexPartition, c.DroppedTags, c.Now);
        }

        return _commits.RunAll(commands);
    }

    private EntryCommand WriteCommand(string key, EntryRecord record, long expectedVersion, TimeSpan? timeToLive, IReadOnlyCollection<string> tags, string? keyIndexPartition, IReadOnlyCollection<string> droppedTags, DateTimeOffset now)
    {
        RedisValue ttl = timeToLive is { } t ? (long)Math.Max(1, Math.Ceiling(t.TotalMilliseconds)) : RedisValue.EmptyString;
        var joins = tags.Count + (keyIndexPartition is null ? 0 : 1);
        var lex = keyIndexPartition is null ? 0 : 1;
        var keys = new RedisKey[1 + joins + lex + droppedTags.Count];
        var next = 0;
        keys[next++] = RedisKeyFor(key);
        foreach (var tag in tags)
        {
            keys[next++] = _tagPrefix + tag;
        }

        if (keyIndexPartition is not null)
        {
            keys[next++] = _keyIndexPrefix + keyIndexPartition;
            keys[next++] = _lexIndexPrefix + keyIndexPartition;
        }

        foreach (var tag in droppedTags)
        {
            keys[next++] = _tagPrefix + tag;
        }

        RedisValue score = record.ExpiresAt is { } at ? at.ToUnixTimeMilliseconds() : "+inf";
        return EntryCommand.Write(keys, Fence(expectedVersion), EntryRecordFormat.Serialize(record), ttl, key, score, now.ToUnixTimeMilliseconds(), joins, lex == 1);
    }

    private EntryCommand DeleteCommand(string key, long expectedVersion, IReadOnlyCollection<string> tags, string keyIndexPartition)
    {
        RedisKey[] keys = [RedisKeyFor(key), _keyIndexPrefix + keyIndexPartition, _lexIndexPrefix + keyIndexPartition, .. tags.Select(tag => (RedisKey)(_tagPrefix + tag))];
        return EntryCommand.Delete(keys, Fence(expectedVersion), key);
    }

    public async Task<bool> DeleteAsync(string key, long expectedVersion, CancellationToken cancellationToken = default)
    {
        var result = await connection.RunAsync("delete the entry", database => database.ScriptEvaluateAsync(DeleteScript, [RedisKeyFor(key)], [Fence(expectedVersion)])).ConfigureAwait(false);
        return (long)result == 1;
    }

    internal RedisKey RedisKeyFor(string key)
    {
        var keyBytes = new byte[_prefix.Length + Encoding.UTF8.GetByteCount(key)];
        _prefix.CopyTo(keyBytes, 0);
        Encoding.UTF8.GetBytes(key, keyBytes.AsSpan(_prefix.Length));
        return keyBytes;
    }

    private static RedisValue Fence(long expectedVersion) =>
        expectedVersion == 0 ? RedisValue.EmptyString : EntryRecordFormat.EncodeVersion(expectedVersion);
}
