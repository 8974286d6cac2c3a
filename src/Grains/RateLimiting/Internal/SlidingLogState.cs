using System.Buffers.Binary;

namespace CacheCluster.RateLimiting.Internal;

/// <summary>
/// The exact sliding window for small limits: the time of every admitted permit within the last window.
/// A permit admitted at t counts while now - t &lt; window.
/// </summary>
internal sealed class SlidingLogState(long limit, long window) : RateLimitState
{
    /// <summary>The largest limit kept as an exact log (8 bytes a permit); larger limits use the weighted counter.</summary>
    public const long MaxLimit = 100;

    private readonly Queue<long> _admitted = new();

    protected override byte[] Signature { get; } = Sign(3, limit, window);

    public override RateLimitOutcome Acquire(long now, int permits)
    {
        Purge(now);
        if (_admitted.Count + permits <= limit)
        {
            for (var i = 0; i < permits; i++)
            {
                _admitted.Enqueue(now);
            }

            return new(true, limit - _admitted.Count, 0, ResetAfter(now));
        }

        // The (count + permits - limit)-th oldest permit must leave the window first.
        var mustLeave = _admitted.Count + permits - limit;
        var oldestNeeded = _admitted.ElementAt((int)mustLeave - 1);
        return new(false, limit - _admitted.Count, oldestNeeded + window - now, ResetAfter(now));
    }

    public override long RelevantForTicks(long now) => ResetAfter(now);

    public override byte[] Serialize()
    {
        var bytes = new byte[Signature.Length + (8 * _admitted.Count)];
        Signature.CopyTo(bytes, 0);
        var offset = Signature.Length;
        foreach (var t in _admitted)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(offset), t);
            offset += 8;
        }

        return bytes;
    }

    protected override bool Load(ReadOnlySpan<byte> data)
    {
        if (data.Length % 8 != 0 || data.Length / 8 > limit)
        {
            return false;
        }

        for (var offset = 0; offset < data.Length; offset += 8)
        {
            _admitted.Enqueue(BinaryPrimitives.ReadInt64LittleEndian(data[offset..]));
        }

        return true;
    }

    private void Purge(long now)
    {
        while (_admitted.TryPeek(out var t) && now - t >= window)
        {
            _admitted.Dequeue();
        }
    }

    private long ResetAfter(long now) => _admitted.Count == 0 ? 0 : _admitted.Last() + window - now;
}
