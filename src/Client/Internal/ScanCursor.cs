using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace CacheCluster.Internal;

/// <summary>
/// A scan position: a key index partition and the last key examined in it, written <c>PARTITION</c> (the partition's
/// start) or <c>PARTITION.KEY</c> with the key in base64url. <c>"0"</c> is both the start and the end, as in Redis.
/// </summary>
internal static class ScanCursor
{
    public static string Format(int partition, string? after) =>
        after is null
            ? partition.ToString(CultureInfo.InvariantCulture)
            : $"{partition.ToString(CultureInfo.InvariantCulture)}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(after))}";

    /// <exception cref="InvalidCacheRequestException">The text is not a cursor that a scan returned.</exception>
    public static (int Partition, string? After) Parse(string cursor)
    {
        var dot = cursor.IndexOf('.', StringComparison.Ordinal);
        var partitionText = dot < 0 ? cursor : cursor[..dot];
        if (partitionText.Length is 0 or > 2 || !partitionText.All(char.IsAsciiDigit)
            || !int.TryParse(partitionText, NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            || partition >= IKeyScanGrain.Partitions)
        {
            throw Invalid(cursor);
        }

        if (dot < 0)
        {
            return (partition, null);
        }

        try
        {
            var after = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1)));
            return after.Length == 0 ? throw Invalid(cursor) : (partition, after);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            throw Invalid(cursor);
        }
    }

    private static InvalidCacheRequestException Invalid(string cursor) =>
        new($"'{cursor}' is not a scan cursor: start with \"0\", then pass the cursor each page returns.");
}
