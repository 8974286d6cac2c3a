using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using CacheCluster.Entries;

namespace CacheCluster.Storage;

/// <summary>
/// The compact binary form of an <see cref="EntryRecord"/> in Redis.
/// </summary>
/// <remarks>
/// Layout: version (8 bytes, big-endian: the fence the write script compares), format (1), kind (1), flags (1),
/// last-modified ticks (8), [fresh-until ticks (8)], [expires-at ticks (8)], [content type], tag count and tags,
/// then the value or the element count and elements. Strings and byte runs are prefixed with a 7-bit varint length.
/// Format 2 is format 1 plus the entry's HTTP cache policy after the content type (directive bits (1),
/// [s-maxage ticks (8)], [stale-if-error ticks (8)]); it is written only for entries that have a policy, so records
/// without one stay format 1, byte for byte, and both formats are read.
/// Format 3 is written only for entries with a sliding window: after [expires-at] come the window's ticks (8) and, with
/// flag 8, the absolute cap's ticks (8); flag 16 says the HTTP policy follows the content type as in format 2. Records
/// without a window keep format 1 or 2, so records written before sliding expiration existed read unchanged.
/// </remarks>
internal static class EntryRecordFormat
{
    public const int VersionBytes = 8;
    private const byte FormatVersion = 1;
    private const byte FormatWithHttpPolicy = 2;
    private const byte FormatWithSliding = 3;
    private const byte HasFresh = 1, HasExpires = 2, HasContentType = 4, HasAbsolute = 8, HasPolicy = 16;
    private const byte PolicyPublic = 1, PolicyPrivate = 2, PolicyNoStore = 4, PolicyMustRevalidate = 8, PolicyImmutable = 16,
        PolicyHasSharedMaxAge = 32, PolicyHasStaleIfError = 64;

    public static byte[] EncodeVersion(long version)
    {
        var bytes = new byte[VersionBytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, version);
        return bytes;
    }

    /// <summary>A writer buffer kept by each thread up to this capacity, so that a write allocates only its record.</summary>
    internal const int KeptBufferBytes = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    /// <summary>
    /// Serializes <paramref name="record"/>: one allocation, the returned array (the fields are written into a buffer
    /// the thread keeps, then copied once).
    /// </summary>
    public static byte[] Serialize(EntryRecord record)
    {
        var size = 64 + Math.Min(record.SizeBytes + ((record.List?.Length ?? 0) * 5), int.MaxValue / 2);
        var buffer = size <= KeptBufferBytes ? t_buffer ??= new ArrayBufferWriter<byte>(KeptBufferBytes) : new ArrayBufferWriter<byte>((int)size);
        buffer.ResetWrittenCount();
        WriteInt64(buffer, record.Version);
        var policy = record.HttpPolicy is { IsEmpty: false } p ? p : null;
        var sliding = record.SlidingExpiration;
        var flags = (byte)((record.FreshUntil is null ? 0 : HasFresh) | (record.ExpiresAt is null ? 0 : HasExpires) | (record.ContentType is null ? 0 : HasContentType));
        if (sliding is not null)
        {
            flags |= (byte)((record.AbsoluteExpiresAt is null ? 0 : HasAbsolute) | (policy is null ? 0 : HasPolicy));
        }

        var format = sliding is not null ? FormatWithSliding : policy is null ? FormatVersion : FormatWithHttpPolicy;
        buffer.Write([format, (byte)record.Kind, flags]);
        WriteInt64(buffer, record.LastModified.UtcTicks);
        if (record.FreshUntil is { } fresh)
        {
            WriteInt64(buffer, fresh.UtcTicks);
        }

        if (record.ExpiresAt is { } expires)
        {
            WriteInt64(buffer, expires.UtcTicks);
        }

        if (sliding is { } window)
        {
            WriteInt64(buffer, window.Ticks);
            if (record.AbsoluteExpiresAt is { } cap)
            {
                WriteInt64(buffer, cap.UtcTicks);
            }
        }

        if (record.ContentType is { } contentType)
        {
            WriteString(buffer, contentType);
        }

        if (policy is not null)
        {
            WritePolicy(buffer, policy);
        }

        WriteVarint(buffer, (ulong)record.Tags.Length);
        foreach (var tag in record.Tags)
        {
            WriteString(buffer, tag);
        }

        if (record.Kind == CacheEntryKind.Value)
        {
            WriteBytes(buffer, record.Value!);
        }
        else
        {
            WriteVarint(buffer, (ulong)record.List!.Length);
            foreach (var element in record.List)
            {
                WriteBytes(buffer, element);
            }
        }

        var bytes = buffer.WrittenSpan.ToArray();
        if (ReferenceEquals(buffer, t_buffer) && buffer.Capacity > 2 * KeptBufferBytes)
        {
            // A record with a long tag list outgrew the kept buffer: let it go rather than keep it per thread.
            t_buffer = null;
        }

        return bytes;
    }

    public static EntryRecord Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        var version = reader.Int64();
        var format = reader.Byte();
        if (format is not (FormatVersion or FormatWithHttpPolicy or FormatWithSliding))
        {
            throw new FormatException($"Unknown entry record format {format}.");
        }

        var kind = (CacheEntryKind)reader.Byte();
        var flags = reader.Byte();
        var lastModified = new DateTimeOffset(reader.Int64(), TimeSpan.Zero);
        DateTimeOffset? freshUntil = (flags & HasFresh) != 0 ? new DateTimeOffset(reader.Int64(), TimeSpan.Zero) : null;
        DateTimeOffset? expiresAt = (flags & HasExpires) != 0 ? new DateTimeOffset(reader.Int64(), TimeSpan.Zero) : null;
        TimeSpan? sliding = format == FormatWithSliding ? TimeSpan.FromTicks(reader.Int64()) : null;
        DateTimeOffset? absoluteExpiresAt = format == FormatWithSliding && (flags & HasAbsolute) != 0 ? new DateTimeOffset(reader.Int64(), TimeSpan.Zero) : null;
        var contentType = (flags & HasContentType) != 0 ? Encoding.UTF8.GetString(reader.Bytes()) : null;
        var policy = format == FormatWithHttpPolicy || (format == FormatWithSliding && (flags & HasPolicy) != 0) ? ReadPolicy(ref reader) : null;
        var tags = new string[checked((int)reader.Varint())];
        for (var i = 0; i < tags.Length; i++)
        {
            tags[i] = Encoding.UTF8.GetString(reader.Bytes());
        }

        byte[]? value = null;
        byte[][]? list = null;
        switch (kind)
        {
            case CacheEntryKind.Value:
                value = reader.Bytes().ToArray();
                break;
            case CacheEntryKind.List:
                list = new byte[checked((int)reader.Varint())][];
                for (var i = 0; i < list.Length; i++)
                {
                    list[i] = reader.Bytes().ToArray();
                }

                break;
            default:
                throw new FormatException($"Unknown entry kind {kind}.");
        }

        return new EntryRecord
        {
            Version = version,
            Kind = kind,
            Value = value,
            List = list,
            ContentType = contentType,
            LastModified = lastModified,
            FreshUntil = freshUntil,
            ExpiresAt = expiresAt,
            SlidingExpiration = sliding,
            AbsoluteExpiresAt = absoluteExpiresAt,
            Tags = tags,
            HttpPolicy = policy,
        };
    }

    private static void WritePolicy(ArrayBufferWriter<byte> buffer, CacheHttpPolicy policy)
    {
        var bits = (byte)((policy.Public ? PolicyPublic : 0)
            | (policy.Private ? PolicyPrivate : 0)
            | (policy.NoStore ? PolicyNoStore : 0)
            | (policy.MustRevalidate ? PolicyMustRevalidate : 0)
            | (policy.Immutable ? PolicyImmutable : 0)
            | (policy.SharedMaxAge is null ? 0 : PolicyHasSharedMaxAge)
            | (policy.StaleIfError is null ? 0 : PolicyHasStaleIfError));
        buffer.Write([bits]);
        if (policy.SharedMaxAge is { } sharedMaxAge)
        {
            WriteInt64(buffer, sharedMaxAge.Ticks);
        }

        if (policy.StaleIfError is { } staleIfError)
        {
            WriteInt64(buffer, staleIfError.Ticks);
        }
    }

    private static CacheHttpPolicy ReadPolicy(ref Reader reader)
    {
        var bits = reader.Byte();
        var sharedMaxAge = (bits & PolicyHasSharedMaxAge) != 0 ? TimeSpan.FromTicks(reader.Int64()) : (TimeSpan?)null;
        var staleIfError = (bits & PolicyHasStaleIfError) != 0 ? TimeSpan.FromTicks(reader.Int64()) : (TimeSpan?)null;
        return new CacheHttpPolicy
        {
            Public = (bits & PolicyPublic) != 0,
            Private = (bits & PolicyPrivate) != 0,
            NoStore = (bits & PolicyNoStore) != 0,
            MustRevalidate = (bits & PolicyMustRevalidate) != 0,
            Immutable = (bits & PolicyImmutable) != 0,
            SharedMaxAge = sharedMaxAge,
            StaleIfError = staleIfError,
        };
    }

    private static void WriteInt64(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }

    private static void WriteVarint(ArrayBufferWriter<byte> buffer, ulong value)
    {
        var span = buffer.GetSpan(10);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        buffer.Advance(i);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        WriteVarint(buffer, (ulong)bytes.Length);
        buffer.Write(bytes);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteVarint(buffer, (ulong)length);
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(length)));
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public byte Byte()
        {
            var value = _rest[0];
            _rest = _rest[1..];
            return value;
        }

        public long Int64()
        {
            var value = BinaryPrimitives.ReadInt64BigEndian(_rest);
            _rest = _rest[8..];
            return value;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; shift < 64; shift += 7)
            {
                var b = Byte();
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }

            throw new FormatException("Malformed varint in entry record.");
        }

        public ReadOnlySpan<byte> Bytes()
        {
            var length = checked((int)Varint());
            var bytes = _rest[..length];
            _rest = _rest[length..];
            return bytes;
        }
    }
}
