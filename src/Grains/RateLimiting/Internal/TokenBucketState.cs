using System.Buffers.Binary;

namespace CacheCluster.RateLimiting.Internal;

/// <summary>
/// A bucket of <c>capacity</c> tokens refilled continuously at <c>tokensPerPeriod</c> per <c>period</c>. Tokens are
/// kept scaled by the period (in token-ticks), so refill and retry-after are exact integers.
/// </summary>
internal sealed class TokenBucketState : RateLimitState
{
    private readonly long _capacity;
    private readonly long _rate;
    private readonly long _period;
    private Int128 _scaled;
    private long _updated;

    public TokenBucketState(long capacity, long tokensPerPeriod, long period, long now)
    {
        _capacity = capacity;
        _rate = tokensPerPeriod;
        _period = period;
        _scaled = Full;
        _updated = now;
        Signature = Sign(4, capacity, tokensPerPeriod, period);
    }

    protected override byte[] Signature { get; }

    private Int128 Full => (Int128)_capacity * _period;

    public override RateLimitOutcome Acquire(long now, int permits)
    {
        Refill(now);
        var need = (Int128)permits * _period;
        if (_scaled >= need)
        {
            _scaled -= need;
            return new(true, (long)(_scaled / _period), 0, ResetAfter());
        }

        return new(false, (long)(_scaled / _period), CeilDiv(need - _scaled, _rate), ResetAfter());
    }

    public override long RelevantForTicks(long now)
    {
        Refill(now);
        return ResetAfter();
    }

    public override byte[] Serialize()
    {
        var bytes = new byte[Signature.Length + 24];
        Signature.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt128LittleEndian(bytes.AsSpan(Signature.Length), _scaled);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(Signature.Length + 16), _updated);
        return bytes;
    }

    protected override bool Load(ReadOnlySpan<byte> data)
    {
        if (data.Length != 24)
        {
            return false;
        }

        _scaled = BinaryPrimitives.ReadInt128LittleEndian(data);
        _updated = BinaryPrimitives.ReadInt64LittleEndian(data[16..]);
        return _scaled >= 0 && _scaled <= Full;
    }

    private void Refill(long now)
    {
        if (now > _updated)
        {
            _scaled = Int128.Min(Full, _scaled + ((Int128)(now - _updated) * _rate));
            _updated = now;
        }
    }

    private long ResetAfter() => CeilDiv(Full - _scaled, _rate);
}
