namespace CacheCluster;

/// <summary>
/// How long an entry lives and what it is tagged with. Immutable: derive variants with <c>with</c>.
/// </summary>
/// <remarks>
/// An entry is <em>fresh</em> until <see cref="FreshFor"/> has passed, <em>stale</em> (still readable, marked stale)
/// until <see cref="TimeToLive"/> has passed, and gone after that. With only <see cref="TimeToLive"/> given, the entry
/// is fresh for half of it. With neither, the entry lives until it is removed or evicted. With
/// <see cref="SlidingExpiration"/>, the hard expiry moves forward on every touch, up to <see cref="TimeToLive"/> after
/// the write; the entry is fresh for half of its window unless <see cref="FreshFor"/> says otherwise.
/// </remarks>
[GenerateSerializer, Immutable, Alias("cachecluster.entry-options")]
public sealed record CacheEntryOptions
{
    /// <summary>The longest time to live an entry may be given: 3650 days.</summary>
    public static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(3650);

    /// <summary>The most tags one entry may carry.</summary>
    public const int MaxTags = 64;

    /// <summary>The longest tag, in UTF-8 bytes.</summary>
    public const int MaxTagBytes = 256;

    /// <summary>Gets the hard expiry, relative to the write: after it the entry does not exist.</summary>
    [Id(0)]
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>Gets the soft expiry, relative to the write: the entry is fresh until then and stale after.</summary>
    [Id(1)]
    public TimeSpan? FreshFor { get; init; }

    /// <summary>Gets the tags attached to the entry, used by tag invalidation.</summary>
    [Id(2)]
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>
    /// Gets a value indicating whether an overwrite keeps the existing entry's expiry (Redis <c>KEEPTTL</c>).
    /// It cannot be combined with <see cref="TimeToLive"/> or <see cref="FreshFor"/>.
    /// </summary>
    [Id(3)]
    public bool KeepTimeToLive { get; init; }

    /// <summary>
    /// Gets the HTTP caching directives stored with the entry and served in its <c>Cache-Control</c> by the HTTP API;
    /// <see langword="null"/> for none. An overwrite with <see cref="KeepTimeToLive"/> and no policy keeps the existing one.
    /// </summary>
    [Id(4)]
    public CacheHttpPolicy? HttpPolicy { get; init; }

    /// <summary>
    /// Gets the sliding window: the entry expires this long after its last write or touch, but never later than
    /// <see cref="TimeToLive"/> after its write, which is kept with the entry as its absolute cap. On write the hard
    /// expiry is the sooner of the two. Extend it with <c>TouchAsync</c> (or a read that touches).
    /// It cannot be combined with <see cref="KeepTimeToLive"/>.
    /// </summary>
    [Id(5)]
    public TimeSpan? SlidingExpiration { get; init; }

    /// <summary>
    /// Gets when this write is acknowledged: <see cref="CacheDurability.Stored"/> (once Redis has it) or
    /// <see cref="CacheDurability.WriteBehind"/> (once the key's grain has it; Redis gets it within the silo's
    /// <c>CacheCluster:MaxWriteDelay</c>). <see langword="null"/> takes the silo's <c>CacheCluster:Durability</c>.
    /// </summary>
    [Id(6)]
    public CacheDurability? Durability { get; init; }

    /// <summary>Checks the options and throws <see cref="InvalidCacheOptionsException"/> when they are not usable.</summary>
    /// <exception cref="InvalidCacheOptionsException">A value is out of range or the combination is contradictory.</exception>
    public void Validate()
    {
        if (TimeToLive is { } ttl && (ttl <= TimeSpan.Zero || ttl > MaxTimeToLive))
        {
            throw new InvalidCacheOptionsException(
                $"{nameof(TimeToLive)} must be greater than zero and at most {MaxTimeToLive.TotalDays:0} days (was {ttl}).");
        }

        if (FreshFor is { } fresh && (fresh <= TimeSpan.Zero || fresh > MaxTimeToLive))
        {
            throw new InvalidCacheOptionsException(
                $"{nameof(FreshFor)} must be greater than zero and at most {MaxTimeToLive.TotalDays:0} days (was {fresh}).");
        }

        if (SlidingExpiration is { } sliding && (sliding <= TimeSpan.Zero || sliding > MaxTimeToLive))
        {
            throw new InvalidCacheOptionsException(
                $"{nameof(SlidingExpiration)} must be greater than zero and at most {MaxTimeToLive.TotalDays:0} days (was {sliding}).");
        }

        if (SlidingExpiration is { } window && FreshFor is { } freshFor && freshFor > window)
        {
            throw new InvalidCacheOptionsException(
                $"{nameof(FreshFor)} ({freshFor}) must not be greater than {nameof(SlidingExpiration)} ({window}): an entry cannot be fresh after it is gone.");
        }

        if (TimeToLive is { } hard && FreshFor is { } soft && soft > hard)
        {
            throw new InvalidCacheOptionsException(
                $"{nameof(FreshFor)} ({soft}) must not be greater than {nameof(TimeToLive)} ({hard}): an entry cannot be fresh after it is gone.");
        }

        if (KeepTimeToLive && (TimeToLive is not null || FreshFor is not null || SlidingExpiration is not null))
        {
            throw new InvalidCacheOptionsException(
                $"{nameof(KeepTimeToLive)} cannot be combined with {nameof(TimeToLive)}, {nameof(FreshFor)} or {nameof(SlidingExpiration)}.");
        }

        if (Durability is { } durability && !Enum.IsDefined(durability))
        {
            throw new InvalidCacheOptionsException($"{nameof(Durability)} must be Stored or WriteBehind (was {durability}).");
        }

        HttpPolicy?.Validate();

        if (Tags is { } tags)
        {
            if (tags.Count > MaxTags)
            {
                throw new InvalidCacheOptionsException($"An entry may carry at most {MaxTags} tags (was {tags.Count}).");
            }

            foreach (var tag in tags)
            {
                CacheKey.ValidateTag(tag);
            }
        }
    }
}
