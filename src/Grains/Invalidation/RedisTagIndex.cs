using CacheCluster.Hosting;
using CacheCluster.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CacheCluster.Invalidation;

/// <summary>
/// Tag registrations in Redis: a sorted set per tag, <c>{ServiceId}/t/{tag}</c>, scored by each key's expiry (ms,
/// +inf for none, on the cache clock). Every add prunes expired members and sets the set's own expiry (relative, so
/// fake cache time works) to its latest member's, so a tag
/// never grows beyond its live entries.
/// </summary>
internal class RedisTagIndex(RedisConnection connection, string prefix) : ITagIndex
{
    private const string AddScript = """
        local now = tonumber(ARGV[3])
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
        local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
        if last[2] == 'inf' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - now)) end
        return 1
        """;

    public RedisTagIndex(RedisConnection connection, IOptions<CacheClusterOptions> options)
        : this(connection, $"{options.Value.ServiceId}/t/")
    {
    }

    private readonly string _prefix = prefix;

    public async Task AddAsync(IReadOnlyCollection<string> tags, string key, DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        var score = expiresAt is { } at ? at.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) : "+inf";
        var nowMs = now.ToUnixTimeMilliseconds();
        await connection.RunAsync("register the tags", async database =>
        {
            await Task.WhenAll(tags.Select(tag => database.ScriptEvaluateAsync(AddScript, [Key(tag)], [key, score, nowMs]))).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public async Task RemoveAsync(IReadOnlyCollection<string> tags, string key)
    {
        await connection.RunAsync("drop the tag registrations", async database =>
        {
            await Task.WhenAll(tags.Select(tag => database.SortedSetRemoveAsync(Key(tag), key))).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> MembersAsync(string tag, DateTimeOffset now)
    {
        var members = await connection.RunAsync(
            "read the tag's members",
            database => database.SortedSetRangeByScoreAsync(Key(tag), now.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start)).ConfigureAwait(false);
        return [.. members.Select(m => (string)m!)];
    }

    private RedisKey Key(string tag) => _prefix + tag;
}
