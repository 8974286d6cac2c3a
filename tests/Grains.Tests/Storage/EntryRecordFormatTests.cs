using CacheCluster.Entries;
using CacheCluster.Storage;

namespace CacheCluster.Tests.Storage;

public sealed class EntryRecordFormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Value_RoundTripsEveryField()
    {
        var record = new EntryRecord
        {
            Version = 1_764_158_400_000_123,
            Kind = CacheEntryKind.Value,
            Value = [1, 2, 3],
            ContentType = "application/json",
            LastModified = Now.AddTicks(7),
            FreshUntil = Now.AddSeconds(30),
            ExpiresAt = Now.AddSeconds(60),
            Tags = ["user:42", "ünïcode"],
        };

        var copy = EntryRecordFormat.Deserialize(EntryRecordFormat.Serialize(record));

        Assert.Equivalent(record, copy, strict: true);
    }

    [Fact]
    public void List_WithoutOptionalFields_RoundTrips()
    {
        var record = new EntryRecord
        {
            Version = 5,
            Kind = CacheEntryKind.List,
            List = [[], [9], new byte[300]],
            LastModified = Now,
        };

        var bytes = EntryRecordFormat.Serialize(record);
        var copy = EntryRecordFormat.Deserialize(bytes);

        Assert.Equivalent(record, copy, strict: true);
        Assert.Equal(EntryRecordFormat.EncodeVersion(5), bytes[..8]);
    }

    [Fact]
    public void UnknownFormat_IsRejected()
    {
        var bytes = EntryRecordFormat.Serialize(new EntryRecord { Version = 1, Kind = CacheEntryKind.Value, Value = [], LastModified = Now });
        bytes[8] = 99;

        Assert.Throws<FormatException>(() => EntryRecordFormat.Deserialize(bytes));
    }
}
