using System.Buffers.Binary;

namespace CacheCluster.RateLimiting.Internal;

/// <summary>
/// The weighted two-window counter: the previous window's count, weighted by the share of it still inside the
/// sliding window, plus the current window's count. Compared in integers scaled by the window length.
/// </summary>
internal sealed class SlidingWindowState(long limit, long window) : RateLimitState
{
    private long _currentStart;
    private long _current;
    private long _previous;

    protected override byte[] Signature { get; } = Sign(2, limit, window);

    public override RateLimitOutcome Acquire(long now, int permits)
    {
        Roll(now);
        var elapsed = now - _currentStart;

        // Scaled by the window: estimate * W = previous * (W - elapsed) + current * W.
        var used = ((Int128)_previous * (window - elapsed)) + ((Int128)_current * window);
        if (used + ((Int128)permits * window) <= (Int128)limit * window)
        {
            _current += permits;
            used += (Int128)permits * window;
            return new(true, Remaining(used), 0, ResetAfter(now));
        }

        return new(false, Remaining(used), RetryAfter(now, elapsed, permits), ResetAfter(now));
    }

    public override long RelevantForTicks(long now) => ResetAfter(now);

    public override byte[] Serialize()
    {
        var bytes = new byte[Signature.Length + 24];
        Signature.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Signature.Length), _currentStart);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Signature.Length + 8), _current);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Signature.Length + 16), _previous);
        return bytes;
    }

    protected override bool Load(ReadOnlySpan<byte> data)
    {
        if (data.Length != 24)
        {
            return false;
        }

        _currentStart = BinaryPrimitives.ReadInt64LittleEndian(data);
        _current = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
        _previous = BinaryPrimitives.ReadInt64LittleEndian(data[16..]);
        return true;
    }

    private void Roll(long now)
    {
        var start = Align(now, window);
        if (start == _currentStart)
        {
            return;
        }

        _previous = start == _currentStart + window ? _current : 0;
        _current = 0;
        _currentStart = start;
    }

    private long Remaining(Int128 used) => (long)Int128.Max(0, (((Int128)limit * window) - used) / window);

    /// <summary>The earliest time the weighted count leaves room for <paramref name="permits"/> more.</summary>
    private long RetryAfter(long now, long elapsed, int permits)
    {
        // In this window: previous * (W - e) <= (limit - current - permits) * W, solved for the elapsed time e.
        var room = limit - _current - permits;
        if (room >= 0 && _previous > 0)
        {
            var e = window - (long)((Int128)room * window / _previous);
            if (e < window)
            {
                return Math.Max(1, e - elapsed);
            }
        }

        // In the next window the current count becomes the weighted one: current * (W - e) <= (limit - permits) * W.
        var next = _currentStart + window;
        var eNext = _current == 0 ? 0 : window - (long)((Int128)(limit - permits) * window / _current);
        return Math.Max(1, next + Math.Max(0, eNext) - now);
    }

    private long ResetAfter(long now) =>
        _current > 0 ? _currentStart + (2 * window) - now
        : _previous > 0 ? _currentStart + window - now
        : 0;
}
