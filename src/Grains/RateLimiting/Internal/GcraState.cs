using System.Buffers.Binary;

namespace CacheCluster.RateLimiting.Internal;

/// <summary>
/// The generic cell rate algorithm, as redis-cell's CL.THROTTLE: one theoretical arrival time (TAT) per limiter.
/// Emission interval T = period / limit, tolerance τ = T × (burst + 1). Times are kept in units of 1/limit tick, so
/// T is exactly <c>period</c> units and every value is an integer.
/// </summary>
internal sealed class GcraState(long limit, long burst, long period) : RateLimitState
{
    private Int128 _tat;

    protected override byte[] Signature { get; } = Sign(5, limit, burst, period);

    private Int128 Tolerance => (Int128)period * (burst + 1);

    public override RateLimitOutcome Acquire(long now, int permits)
    {
        var nowScaled = (Int128)now * limit;
        var tat = Int128.Max(_tat, nowScaled);
        var newTat = tat + ((Int128)period * permits);
        var allowAt = newTat - Tolerance;
        if (nowScaled < allowAt)
        {
            return new(false, Remaining(tat - nowScaled), CeilDiv(allowAt - nowScaled, limit), CeilDiv(tat - nowScaled, limit));
        }

        if (permits > 0)
        {
            _tat = newTat;
        }

        return new(true, Remaining(newTat - nowScaled), 0, CeilDiv(newTat - nowScaled, limit));
    }

    public override long RelevantForTicks(long now) => (long)Int128.Max(0, CeilDiv(_tat - ((Int128)now * limit), limit));

    public override byte[] Serialize()
    {
        var bytes = new byte[Signature.Length + 16];
        Signature.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt128LittleEndian(bytes.AsSpan(Signature.Length), _tat);
        return bytes;
    }

    protected override bool Load(ReadOnlySpan<byte> data)
    {
        if (data.Length != 16)
        {
            return false;
        }

        _tat = BinaryPrimitives.ReadInt128LittleEndian(data);
        return true;
    }

    private long Remaining(Int128 resetAfter) => (long)Int128.Max(0, (Tolerance - resetAfter) / period);
}
