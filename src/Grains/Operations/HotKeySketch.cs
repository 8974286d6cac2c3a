using System.IO.Hashing;
using System.Text;

namespace CacheCluster.Operations;

/// <summary>
/// An approximate top-K of keys by access rate: a count-min sketch (4 rows of 4,096 counters) counts every key without a
/// counter of its own, and a small table keeps the keys whose estimate is among the <c>capacity</c> highest. Every
/// half-life the sketch and the table are halved, so the counts follow the current rate rather than all time.
/// </summary>
/// <remarks>
/// Thread-safe and cheap per call: the sketch's counters are bumped without locks (a racing bump may be lost: the
/// counts are estimates anyway); the table is locked only for a key whose estimate reaches the table's smallest count,
/// and a caller that finds it locked skips the update rather than wait.
/// </remarks>
internal sealed class HotKeySketch
{
    private const int Rows = 4;
    private const int Width = 4096;

    private readonly int[] _cells = new int[Rows * Width];
    private readonly TimeProvider _clock;
    private readonly long _halfLifeTicks;
    private readonly int _capacity;
    private readonly Lock _lock = new();
    private readonly List<HotKeyCount> _top;
    private long _nextDecay;
    private int _admission;

    public HotKeySketch(TimeProvider clock, int capacity, TimeSpan halfLife)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(halfLife, TimeSpan.FromTicks(1));
        _clock = clock;
        _capacity = capacity;
        _halfLifeTicks = halfLife.Ticks;
        _top = new List<HotKeyCount>(capacity);
        _nextDecay = clock.GetUtcNow().UtcTicks + _halfLifeTicks;
    }

    /// <summary>Counts one access to the key whose UTF-8 bytes are <paramref name="key"/>.</summary>
    public void Record(ReadOnlySpan<byte> key)
    {
        DecayIfDue();
        var hash = XxHash64.HashToUInt64(key);
        var estimate = int.MaxValue;
        for (var row = 0; row < Rows; row++)
        {
            // Each row indexes by its own 16 bits of the 64-bit hash.
            var index = (row * Width) + (int)((hash >> (row * 16)) % Width);
            var count = ++_cells[index];
            estimate = Math.Min(estimate, count);
        }

        if (estimate < Volatile.Read(ref _admission) || !_lock.TryEnter())
        {
            return;
        }

        try
        {
            Admit(key, hash, estimate);
        }
        finally
        {
            _lock.Exit();
        }
    }

    /// <summary>Gets up to <paramref name="count"/> of the hottest keys, highest estimate first.</summary>
    public IReadOnlyList<HotKeyCount> Top(int count)
    {
        DecayIfDue();
        lock (_lock)
        {
            return _top.Where(entry => entry.Count > 0).OrderByDescending(entry => entry.Count).ThenBy(entry => entry.Key, StringComparer.Ordinal).Take(count).ToList();
        }
    }

    private void Admit(ReadOnlySpan<byte> key, ulong hash, int estimate)
    {
        var index = _top.FindIndex(entry => entry.Hash == hash);
        if (index >= 0)
        {
            _top[index] = _top[index] with { Count = Math.Max(_top[index].Count, estimate) };
        }
        else if (_top.Count < _capacity)
        {
            _top.Add(new HotKeyCount(Encoding.UTF8.GetString(key), hash, estimate));
        }
        else
        {
            var coldest = 0;
            for (var i = 1; i < _top.Count; i++)
            {
                if (_top[i].Count < _top[coldest].Count)
                {
                    coldest = i;
                }
            }

            if (_top[coldest].Count >= estimate)
            {
                return;
            }

            _top[coldest] = new HotKeyCount(Encoding.UTF8.GetString(key), hash, estimate);
        }

        // Until the table is full every key may enter; then only keys that would beat its coldest.
        Volatile.Write(ref _admission, _top.Count < _capacity ? 0 : _top.Min(entry => entry.Count));
    }

    private void DecayIfDue()
    {
        var due = Volatile.Read(ref _nextDecay);
        var now = _clock.GetUtcNow().UtcTicks;
        if (now < due || Interlocked.CompareExchange(ref _nextDecay, now + _halfLifeTicks, due) != due)
        {
            return;
        }

        // Halve once per half-life that passed (at most 31: by then every count is 0).
        var halvings = (int)Math.Min(31, 1 + ((now - due) / _halfLifeTicks));
        lock (_lock)
        {
            for (var i = 0; i < _cells.Length; i++)
            {
                _cells[i] >>= halvings;
            }

            for (var i = _top.Count - 1; i >= 0; i--)
            {
                var halved = _top[i].Count >> halvings;
                if (halved == 0)
                {
                    _top.RemoveAt(i);
                }
                else
                {
                    _top[i] = _top[i] with { Count = halved };
                }
            }

            Volatile.Write(ref _admission, _top.Count < _capacity ? 0 : _top.Min(entry => entry.Count));
        }
    }
}
