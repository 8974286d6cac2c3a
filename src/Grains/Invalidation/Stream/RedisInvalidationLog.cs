using System.Globalization;
using CacheCluster.Hosting;
using CacheCluster.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CacheCluster.Invalidation.Stream;

/// <summary>
/// The log in Redis. Per partition <c>{ServiceId}/ev/{p}/seq</c> (the counter) and <c>{ServiceId}/ev/{p}/pending</c>
/// (a hash from sequence to event); per event id <c>{ServiceId}/ev/id/{id}</c> holding <c>partition:sequence</c> with
/// the duplicate window as its TTL. One script does the check, the numbering and the store, so an event is either
/// accepted once, durably, or not at all.
/// </summary>
internal sealed class RedisInvalidationLog(RedisConnection connection, IOptions<CacheClusterOptions> options) : IInvalidationLog
{
    private const string AppendScript = """
        local seen = redis.call('GET', KEYS[1])
        if seen then return {0, seen} end
        local sequence = redis.call('INCR', KEYS[2])
        redis.call('HSET', KEYS[3], sequence, ARGV[1])
        redis.call('SET', KEYS[1], ARGV[3] .. ':' .. sequence, 'PX', ARGV[2])
        return {1, tostring(sequence)}
        """;

    private readonly string _prefix = options.Value.ServiceId + "/ev/";

    public async Task<LogAppend> AppendAsync(int partition, LoggedEvent record, TimeSpan duplicateWindow, DateTimeOffset now)
    {
        var result = await connection.RunAsync("append the event to the invalidation log", database => database.ScriptEvaluateAsync(
            AppendScript,
            [_prefix + "id/" + record.EventId, Key(partition, "seq"), Key(partition, "pending")],
            [record.ToBytes(), (long)Math.Max(1, duplicateWindow.TotalMilliseconds), partition])).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        var accepted = (long)parts[0] == 1;
        if (accepted)
        {
            return new LogAppend(partition, long.Parse((string)parts[1]!, CultureInfo.InvariantCulture), Duplicate: false);
        }

        var place = ((string)parts[1]!).Split(':');
        return new LogAppend(int.Parse(place[0], CultureInfo.InvariantCulture), long.Parse(place[1], CultureInfo.InvariantCulture), Duplicate: true);
    }

    public async Task<IReadOnlyList<LoggedEvent>> PendingAsync(int partition)
    {
        var entries = await connection.RunAsync("read the invalidation log", database => database.HashGetAllAsync(Key(partition, "pending"))).ConfigureAwait(false);
        return [.. entries
            .Select(e => LoggedEvent.FromBytes((byte[])e.Value!, long.Parse((string)e.Name!, CultureInfo.InvariantCulture)))
            .OrderBy(e => e.Sequence)];
    }

    public async Task CompleteAsync(int partition, long sequence)
    {
        await connection.RunAsync("mark the event done in the invalidation log", database => database.HashDeleteAsync(Key(partition, "pending"), sequence)).ConfigureAwait(false);
    }

    public async Task<bool> HasPendingAsync(int partition)
    {
        return await connection.RunAsync("read the invalidation log", database => database.KeyExistsAsync(Key(partition, "pending"))).ConfigureAwait(false);
    }

    public async Task<long> LastSequenceAsync(int partition)
    {
        var value = await connection.RunAsync("read the invalidation log", database => database.StringGetAsync(Key(partition, "seq"))).ConfigureAwait(false);
        return value.IsNull ? 0 : (long)value;
    }

    private string Key(int partition, string part) => string.Create(CultureInfo.InvariantCulture, $"{_prefix}{partition}/{part}");
}
