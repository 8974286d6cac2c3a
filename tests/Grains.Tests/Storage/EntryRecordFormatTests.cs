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

    [Fact]
    public void SlidingWindow_RoundTripsInFormat3_WithAndWithoutCapAndPolicy()
    {
        var capped = new EntryRecord
        {
            Version = 11,
            Kind = CacheEntryKind.Value,
            Value = [1, 2],
            ContentType = "text/plain",
            LastModified = Now,
            FreshUntil = Now.AddSeconds(5),
            ExpiresAt = Now.AddSeconds(10),
            SlidingExpiration = TimeSpan.FromSeconds(10),
            AbsoluteExpiresAt = Now.AddSeconds(25),
            Tags = ["t"],
            HttpPolicy = new CacheHttpPolicy { Public = true, SharedMaxAge = TimeSpan.FromSeconds(30) },
        };
        var uncapped = new EntryRecord
        {
            Version = 12,
            Kind = CacheEntryKind.List,
            List = [[1], [2]],
            LastModified = Now,
            ExpiresAt = Now.AddMinutes(20),
            SlidingExpiration = TimeSpan.FromMinutes(20),
        };

        var cappedBytes = EntryRecordFormat.Serialize(capped);
        var uncappedBytes = EntryRecordFormat.Serialize(uncapped);

        Assert.Equal(3, cappedBytes[8]);
        Assert.Equal(3, uncappedBytes[8]);
        Assert.Equivalent(capped, EntryRecordFormat.Deserialize(cappedBytes), strict: true);
        Assert.Equivalent(uncapped, EntryRecordFormat.Deserialize(uncappedBytes), strict: true);
    }

    [Fact]
    public void RecordWithoutSlidingWindow_KeepsFormat1Or2_AndReadsWithoutOne()
    {
        var plain = new EntryRecord { Version = 1, Kind = CacheEntryKind.Value, Value = [1], LastModified = Now, ExpiresAt = Now.AddSeconds(60) };

        var copy = EntryRecordFormat.Deserialize(EntryRecordFormat.Serialize(plain));

        Assert.Equal(1, EntryRecordFormat.Serialize(plain)[8]);
        Assert.Null(copy.SlidingExpiration);
        Assert.Null(copy.AbsoluteExpiresAt);
        Assert.Equal(Now.AddSeconds(60), copy.ExpiresAt);
    }

    [Fact]
    public void Serialize_AfterALargerRecordOnTheSameThread_WritesOnlyItsOwnBytes()
    {
        var large = new EntryRecord { Version = 9, Kind = CacheEntryKind.Value, Value = new byte[4000], ContentType = "application/octet-stream", LastModified = Now, Tags = ["a", "b"] };
        var small = new EntryRecord { Version = 10, Kind = CacheEntryKind.Value, Value = [7], LastModified = Now };

        var largeBytes = EntryRecordFormat.Serialize(large);
        var smallBytes = EntryRecordFormat.Serialize(small);

        Assert.True(smallBytes.Length < 40, $"{smallBytes.Length} bytes");
        Assert.Equivalent(small, EntryRecordFormat.Deserialize(smallBytes), strict: true);
        Assert.Equivalent(large, EntryRecordFormat.Deserialize(largeBytes), strict: true);
    }

    [Fact]
    public void Serialize_AllocatesLittleMoreThanTheRecordItReturns()
    {
        var record = new EntryRecord { Version = 11, Kind = CacheEntryKind.Value, Value = new byte[1024], ContentType = "text/plain", LastModified = Now, Tags = ["user:1"] };
        EntryRecordFormat.Serialize(record);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var bytes = EntryRecordFormat.Serialize(record);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // The returned array (its bytes plus the array header) and nothing of the value's size besides.
        Assert.InRange(allocated, bytes.Length, bytes.Length + 64);
    }

    [Fact]
    public void Serialize_ARecordLargerThanTheKeptBuffer_RoundTrips()
    {
        var record = new EntryRecord { Version = 12, Kind = CacheEntryKind.Value, Value = new byte[EntryRecordFormat.KeptBufferBytes + 10], LastModified = Now };
        record.Value![^1] = 42;

        Assert.Equivalent(record, EntryRecordFormat.Deserialize(EntryRecordFormat.Serialize(record)), strict: true);
    }
}
