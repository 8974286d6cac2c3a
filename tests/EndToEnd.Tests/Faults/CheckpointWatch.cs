using System.Buffers.Binary;
using StackExchange.Redis;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// Reads the load clients' limiter checkpoints from Redis every <see cref="Interval"/> while a fault test runs: what a
/// limiter that restarts would start from. A fixed-window checkpoint sits under <c>{ServiceId}/rl/{policy}/{identifier}</c>
/// (<c>RedisRateLimitStore</c>) as the policy's signature (algorithm 1, limit, window ticks: 17 bytes), then the
/// window's start in UTC ticks and the count admitted in it (little-endian longs, <c>FixedWindowState</c>).
/// </summary>
internal sealed class CheckpointWatch : IAsyncDisposable
{
    private const byte FixedWindowAlgorithm = 1;
    private const int SignatureLength = 17;

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    private readonly IDatabase _database;
    private readonly (string Identifier, RedisKey Key)[] _keys;
    private readonly List<CheckpointSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _watching;

    private CheckpointWatch(FaultCluster cluster)
    {
        _database = cluster.Redis.Connection.GetDatabase();
        _keys = [.. Enumerable.Range(0, FaultCluster.Identifiers)
            .Select(i => $"id-{i}")
            .Select(id => (id, (RedisKey)$"{cluster.Identity.ServiceId}/rl/{FaultCluster.Policy}/{id}"))];
        _watching = Task.Run(WatchAsync);
    }

    /// <summary>Starts watching, and returns once every checkpoint has been read once: a change after that sees them.</summary>
    public static async Task<CheckpointWatch> StartAsync(FaultCluster cluster)
    {
        var watch = new CheckpointWatch(cluster);
        await watch._firstRead.Task.WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);
        return watch;
    }

    /// <summary>Gets how many checkpoints were read (a checkpoint read twice counts twice).</summary>
    public int Samples
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count;
            }
        }
    }

    /// <summary>
    /// The count of the newest checkpoint of <paramref name="identifier"/>'s window starting at
    /// <paramref name="windowStartMs"/> that a read finished by <paramref name="atMs"/> saw: a limiter restarted after
    /// <paramref name="atMs"/> starts from this count or a later one (checkpoints of one window only grow); 0 when no
    /// checkpoint of the window had been seen.
    /// </summary>
    public long CountAt(string identifier, long windowStartMs, long atMs)
    {
        lock (_samples)
        {
            return _samples
                .Where(s => s.Identifier == identifier && s.WindowStartMs == windowStartMs && s.ReadAtMs <= atMs)
                .Select(s => s.Count)
                .DefaultIfEmpty(0)
                .Max();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        _stop.Dispose();
    }

    private async Task WatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var values = await Task.WhenAll(_keys.Select(k => _database.StringGetAsync(k.Key)));
                var readAt = FaultCluster.NowMs;
                lock (_samples)
                {
                    for (var i = 0; i < _keys.Length; i++)
                    {
                        if (Parse(_keys[i].Identifier, values[i], readAt) is { } sample)
                        {
                            _samples.Add(sample);
                        }
                    }
                }

                _firstRead.TrySetResult();

            }
            catch (RedisException)
            {
                // Redis is not what these tests break; a missed read only makes the bound looser.
            }

            try
            {
                await Task.Delay(Interval, TimeProvider.System, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static CheckpointSample? Parse(string identifier, RedisValue value, long readAtMs)
    {
        if (value.IsNull)
        {
            return null;
        }

        byte[] bytes = value!;
        Assert.True(
            bytes.Length == SignatureLength + 16 && bytes[0] == FixedWindowAlgorithm,
            $"The checkpoint of {identifier} is not a fixed-window checkpoint of {SignatureLength + 16} bytes ({bytes.Length} bytes, algorithm {bytes[0]}).");
        var windowStartTicks = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(SignatureLength));
        var count = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(SignatureLength + 8));
        return new CheckpointSample(identifier, readAtMs, new DateTimeOffset(windowStartTicks, TimeSpan.Zero).ToUnixTimeMilliseconds(), count);
    }
}
