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

    [Fact]
    public void HttpPolicy_RoundTripsInFormat2()
    {
        var record = new EntryRecord
        {
            Version = 7,
            Kind = CacheEntryKind.Value,
            Value = [1],
            ContentType = "text/plain",
            LastModified = Now,
            Tags = ["t"],
            HttpPolicy = new CacheHttpPolicy { Public = true, MustRevalidate = true, Immutable = true, SharedMaxAge = TimeSpan.FromSeconds(120), StaleIfError = TimeSpan.FromSeconds(600) },
        };

        var bytes = EntryRecordFormat.Serialize(record);
        var copy = EntryRecordFormat.Deserialize(bytes);

        Assert.Equal(2, bytes[8]);
        Assert.Equivalent(record, copy, strict: true);
    }

    [Fact]
    public void RecordWithoutHttpPolicy_StaysFormat1AndOldRecordsRead()
    {
        // A format-1 record as written before HTTP policies existed: version, format 1, value kind, content type flag.
        byte[] old = [0, 0, 0, 0, 0, 0, 0, 9, 1, 0, 4, .. EntryRecordFormat.EncodeVersion(Now.UtcTicks), 3, (byte)'a', (byte)'/', (byte)'b', 0, 2, 7, 8];

        var copy = EntryRecordFormat.Deserialize(old);

        Assert.Equal(9, copy.Version);
        Assert.Equal("a/b", copy.ContentType);
        Assert.Equal([7, 8], copy.Value);
        Assert.Null(copy.HttpPolicy);
        Assert.Equal(old, EntryRecordFormat.Serialize(copy));
    }
}
