using System.Buffers.Binary;

namespace CacheCluster.RateLimiting.Internal;

/// <summary>
/// A counter per window aligned to the epoch. A window's end is fixed when it starts: requests never push it out,
/// unlike the seed's INCR-then-EXPIRE, which re-armed the window on every hit.
/// </summary>
internal sealed class FixedWindowState(long limit, long window) : RateLimitState
{
    private long _windowStart;
    private long _count;

    protected override byte[] Signature { get; } = Sign(1, limit, window);

    public override RateLimitOutcome Acquire(long now, int permits)
    {
        var start = Align(now, window);
        if (start != _windowStart)
        {
            _windowStart = start;
            _count = 0;
        }

        var untilEnd = start + window - now;
        if (_count + permits <= limit)
        {
            _count += permits;
            return new(true, limit - _count, 0, _count == 0 ? 0 : untilEnd);
        }

        // permits <= limit, so the next window always has room.
        return new(false, limit - _count, untilEnd, untilEnd);
    }

    public override long RelevantForTicks(long now) => _count == 0 ? 0 : Math.Max(0, _windowStart + window - now);

    public override byte[] Serialize()
    {
        var bytes = new byte[Signature.Length + 16];
        Signature.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Signature.Length), _windowStart);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Signature.Length + 8), _count);
        return bytes;
    }

    protected override bool Load(ReadOnlySpan<byte> data)
    {
        if (data.Length != 16)
        {
            return false;
        }

        _windowStart = BinaryPrimitives.ReadInt64LittleEndian(data);
        _count = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
        return true;
    }
}
