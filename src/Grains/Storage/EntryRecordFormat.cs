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
/// </remarks>
internal static class EntryRecordFormat
{
    public const int VersionBytes = 8;
    private const byte FormatVersion = 1;
    private const byte HasFresh = 1, HasExpires = 2, HasContentType = 4;

    public static byte[] EncodeVersion(long version)
    {
        var bytes = new byte[VersionBytes];
        BinaryPrimitives.WriteInt64BigEndian(bytes, version);
        return bytes;
    }

    public static byte[] Serialize(EntryRecord record)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + (int)Math.Min(record.SizeBytes + (record.List?.Length ?? 0) * 5, int.MaxValue / 2));
        WriteInt64(buffer, record.Version);
        var flags = (byte)((record.FreshUntil is null ? 0 : HasFresh) | (record.ExpiresAt is null ? 0 : HasExpires) | (record.ContentType is null ? 0 : HasContentType));
        buffer.Write([FormatVersion, (byte)record.Kind, flags]);
        WriteInt64(buffer, record.LastModified.UtcTicks);
        if (record.FreshUntil is { } fresh)
        {
            WriteInt64(buffer, fresh.UtcTicks);
        }

        if (record.ExpiresAt is { } expires)
        {
            WriteInt64(buffer, expires.UtcTicks);
        }

        if (record.ContentType is { } contentType)
        {
            WriteBytes(buffer, Encoding.UTF8.GetBytes(contentType));
        }

        WriteVarint(buffer, (ulong)record.Tags.Length);
        foreach (var tag in record.Tags)
        {
            WriteBytes(buffer, Encoding.UTF8.GetBytes(tag));
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

        return buffer.WrittenSpan.ToArray();
    }

    public static EntryRecord Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new Reader(data);
        var version = reader.Int64();
        var format = reader.Byte();
        if (format != FormatVersion)
        {
            throw new FormatException($"Unknown entry record format {format}.");
        }

        var kind = (CacheEntryKind)reader.Byte();
        var flags = reader.Byte();
        var lastModified = new DateTimeOffset(reader.Int64(), TimeSpan.Zero);
        DateTimeOffset? freshUntil = (flags & HasFresh) != 0 ? new DateTimeOffset(reader.Int64(), TimeSpan.Zero) : null;
        DateTimeOffset? expiresAt = (flags & HasExpires) != 0 ? new DateTimeOffset(reader.Int64(), TimeSpan.Zero) : null;
        var contentType = (flags & HasContentType) != 0 ? Encoding.UTF8.GetString(reader.Bytes()) : null;
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
            Tags = tags,
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
