namespace CacheCluster;

/// <summary>
/// The HTTP caching directives an entry carries (RFC 9111 §5.2.2, RFC 5861, RFC 8246): what the HTTP API adds to
/// <c>Cache-Control</c> besides <c>max-age</c> and <c>stale-while-revalidate</c>, which come from the entry's expiry.
/// Immutable: derive variants with <c>with</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("cachecluster.http-policy")]
public sealed record CacheHttpPolicy
{
    /// <summary>The longest <see cref="SharedMaxAge"/> or <see cref="StaleIfError"/>: as long as any entry may live.</summary>
    public static readonly TimeSpan MaxDuration = CacheEntryOptions.MaxTimeToLive;

    /// <summary>Gets a value indicating whether any cache may store the response (<c>public</c>).</summary>
    [Id(0)]
    public bool Public { get; init; }

    /// <summary>Gets a value indicating whether only private caches may store the response (<c>private</c>).</summary>
    [Id(1)]
    public bool Private { get; init; }

    /// <summary>Gets the freshness lifetime for shared caches (<c>s-maxage</c>), or <see langword="null"/>.</summary>
    [Id(2)]
    public TimeSpan? SharedMaxAge { get; init; }

    /// <summary>Gets a value indicating whether caches must not store the response (<c>no-store</c>).</summary>
    [Id(3)]
    public bool NoStore { get; init; }

    /// <summary>Gets a value indicating whether a stale response must not be used without revalidation (<c>must-revalidate</c>).</summary>
    [Id(4)]
    public bool MustRevalidate { get; init; }

    /// <summary>Gets a value indicating whether the response never changes while fresh (<c>immutable</c>).</summary>
    [Id(5)]
    public bool Immutable { get; init; }

    /// <summary>Gets how long a stale response may be used when revalidation fails (<c>stale-if-error</c>), or <see langword="null"/>.</summary>
    [Id(6)]
    public TimeSpan? StaleIfError { get; init; }

    /// <summary>Gets a value indicating whether no directive is set.</summary>
    public bool IsEmpty => !Public && !Private && SharedMaxAge is null && !NoStore && !MustRevalidate && !Immutable && StaleIfError is null;

    /// <summary>Checks the policy.</summary>
    /// <exception cref="InvalidCacheOptionsException">Both public and private, or a duration out of range.</exception>
    public void Validate()
    {
        if (Public && Private)
        {
            throw new InvalidCacheOptionsException("An HTTP cache policy cannot be both public and private.");
        }

        CheckDuration(SharedMaxAge, "s-maxage");
        CheckDuration(StaleIfError, "stale-if-error");
    }

    private static void CheckDuration(TimeSpan? duration, string directive)
    {
        if (duration is { } value && (value < TimeSpan.Zero || value > MaxDuration))
        {
            throw new InvalidCacheOptionsException($"{directive} must be between 0 and {MaxDuration.TotalDays:0} days (was {value}).");
        }
    }
}
