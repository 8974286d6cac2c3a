namespace CacheCluster.Entries;

/// <summary>
/// One stored entry: immutable, shared by the grain and the in-memory store, replaced whole on every write.
/// </summary>
/// <remarks>
/// Laid out compactly, as the embedded store keeps one per key: times as UTC ticks (0 for none) rather than
/// <see cref="DateTimeOffset"/>s, the value or the list in one field, and what few entries have (sliding expiry, content
/// type, tags, HTTP policy) in one side object made only when one of them is set: 80 bytes per plain entry instead of
/// 112. Beside the immutable data it carries two mutable words for the memory bound: when it was last used, and how many
/// activations hold it (-1 once evicted).
/// </remarks>
internal sealed class EntryRecord
{
    private readonly object? _data;
    private readonly long _lastModified;
    private readonly long _freshUntil;
    private readonly long _expiresAt;
    private int _lastUsed;
    private int _holders;
    private readonly CacheEntryKind _kind;

    // Null unless a rare member is set; written only by the init accessors, so never shared between records.
    private Extras? _extras;

    public required long Version { get; init; }

    public required CacheEntryKind Kind { get => _kind; init => _kind = value; }

    /// <summary>Gets the bytes of a <see cref="CacheEntryKind.Value"/> entry.</summary>
    public byte[]? Value { get => _data as byte[]; init => _data = value ?? _data; }

    /// <summary>Gets the elements of a <see cref="CacheEntryKind.List"/> entry; never empty.</summary>
    public byte[][]? List { get => _data as byte[][]; init => _data = value ?? _data; }

    public string? ContentType
    {
        get => _extras?.ContentType;
        init
        {
            if (value is not null)
            {
                WithExtras().ContentType = value;
            }
        }
    }

    public required DateTimeOffset LastModified { get => FromTicks(_lastModified); init => _lastModified = value.UtcTicks; }

    public DateTimeOffset? FreshUntil { get => _freshUntil == 0 ? null : FromTicks(_freshUntil); init => _freshUntil = value?.UtcTicks ?? 0; }

    public DateTimeOffset? ExpiresAt { get => _expiresAt == 0 ? null : FromTicks(_expiresAt); init => _expiresAt = value?.UtcTicks ?? 0; }

    /// <summary>
    /// Gets the sliding window: a touch moves the hard expiry to now plus this, capped by <see cref="AbsoluteExpiresAt"/>.
    /// <see langword="null"/> for none; an entry with one always has <see cref="ExpiresAt"/>.
    /// </summary>
    public TimeSpan? SlidingExpiration
    {
        get => _extras is { Sliding: not 0 } extras ? TimeSpan.FromTicks(extras.Sliding) : null;
        init
        {
            if (value is { Ticks: not 0 } sliding)
            {
                WithExtras().Sliding = sliding.Ticks;
            }
        }
    }

    /// <summary>Gets the cap a touch never moves the hard expiry past, or <see langword="null"/>; only set with <see cref="SlidingExpiration"/>.</summary>
    public DateTimeOffset? AbsoluteExpiresAt
    {
        get => _extras is { AbsoluteExpiresAt: not 0 } extras ? FromTicks(extras.AbsoluteExpiresAt) : null;
        init
        {
            if (value is { UtcTicks: not 0 } at)
            {
                WithExtras().AbsoluteExpiresAt = at.UtcTicks;
            }
        }
    }

    public string[] Tags
    {
        get => _extras?.Tags ?? [];
        init
        {
            if (value is { Length: > 0 })
            {
                WithExtras().Tags = value;
            }
        }
    }

    /// <summary>Gets the HTTP caching directives, or <see langword="null"/>.</summary>
    public CacheHttpPolicy? HttpPolicy
    {
        get => _extras?.HttpPolicy;
        init
        {
            if (value is not null)
            {
                WithExtras().HttpPolicy = value;
            }
        }
    }

    public long SizeBytes => Kind == CacheEntryKind.Value ? Value!.Length : List!.Sum(static e => (long)e.Length);

    /// <summary>Gets or sets the recency stamp (<see cref="Eviction.Recency"/>) of the record's last use.</summary>
    internal int LastUsed
    {
        get => Volatile.Read(ref _lastUsed);
        set => Volatile.Write(ref _lastUsed, value);
    }

    /// <summary>Gets a value indicating whether an activation holds the record: it is then not evicted directly.</summary>
    internal bool IsHeld => Volatile.Read(ref _holders) > 0;

    /// <summary>Gets a value indicating whether the record was evicted: it is then absent, wherever it is still seen.</summary>
    internal bool IsEvicted => Volatile.Read(ref _holders) < 0;

    /// <summary>
    /// Estimates what the record costs in the embedded store under a key of <paramref name="keyLength"/> characters:
    /// the value's bytes, the key, and about 300 bytes of objects around them (dictionary node, record, array and
    /// string headers, key index entry), plus per-element and per-tag overheads.
    /// </summary>
    internal long EstimatedBytes(int keyLength) =>
        300 + (2L * keyLength) + (_data is byte[][] list ? list.Sum(static e => 24L + e.Length) : SizeBytes) + (Tags.Length * 64L);

    public bool IsExpiredAt(DateTimeOffset now) => _expiresAt != 0 && _expiresAt <= now.UtcTicks;

    public CacheEntryState StateAt(DateTimeOffset now) =>
        IsExpiredAt(now) ? CacheEntryState.Missing
        : _freshUntil != 0 && _freshUntil <= now.UtcTicks ? CacheEntryState.Stale
        : CacheEntryState.Fresh;

    /// <summary>Marks the record held by one more activation; fails once it was evicted.</summary>
    internal bool TryHold()
    {
        while (true)
        {
            var holders = Volatile.Read(ref _holders);
            if (holders < 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _holders, holders + 1, holders) == holders)
            {
                return true;
            }
        }
    }

    /// <summary>Lets go of a hold taken by <see cref="TryHold"/>.</summary>
    internal void Release()
    {
        while (true)
        {
            var holders = Volatile.Read(ref _holders);
            if (holders <= 0 || Interlocked.CompareExchange(ref _holders, holders - 1, holders) == holders)
            {
                return;
            }
        }
    }

    /// <summary>Marks the record evicted if no activation holds it.</summary>
    internal bool TryEvict() => Interlocked.CompareExchange(ref _holders, -1, 0) == 0;

    private static DateTimeOffset FromTicks(long ticks) => new(ticks, TimeSpan.Zero);

    private Extras WithExtras() => _extras ??= new();

    /// <summary>The members most entries leave unset.</summary>
    private sealed class Extras
    {
        public long Sliding { get; set; }

        public long AbsoluteExpiresAt { get; set; }

        public string? ContentType { get; set; }

        public string[]? Tags { get; set; }

        public CacheHttpPolicy? HttpPolicy { get; set; }
    }
}
