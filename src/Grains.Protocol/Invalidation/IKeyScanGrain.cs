using System.ComponentModel;

namespace CacheCluster;

/// <summary>
/// One partition of the key index (grain key 0 to <see cref="Partitions"/> - 1), read a bounded page at a time for
/// <c>SCAN</c>: each call examines at most a page of the partition's live keys, in ordinal order after a given key, so
/// no call holds the partition for long however many keys it has.
/// </summary>
/// <remarks>Wire protocol between CacheCluster's client and silos; not for application code.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IKeyScanGrain : IGrainWithIntegerKey
{
    /// <summary>The number of key index partitions.</summary>
    public const int Partitions = 16;

    /// <summary>The most keys one call examines.</summary>
    public const int MaxCount = 1000;

    /// <summary>
    /// Examines up to <paramref name="count"/> live keys of this partition that sort (ordinally) after
    /// <paramref name="after"/>, and returns those matching <paramref name="pattern"/>.
    /// </summary>
    /// <param name="pattern">A glob (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>\</c> escapes); <c>*</c> lists every key.</param>
    /// <param name="after">The last key examined by the previous page, or <see langword="null"/> to start the partition.</param>
    /// <param name="count">How many keys to examine, 1 to <see cref="MaxCount"/>.</param>
    /// <returns>The matching keys, and where the next page starts (<see langword="null"/> when the partition is done).</returns>
    /// <exception cref="InvalidCacheOptionsException">The pattern is malformed.</exception>
    /// <exception cref="InvalidCacheRequestException">The count is out of range.</exception>
    Task<KeyScanPage> ScanAsync(string pattern, string? after, int count);
}
