using System.Buffers.Binary;

namespace CacheCluster.Bench.Workload;

/// <summary>
/// The keys and value bytes every target gets: value <c>i</c> is its index (8 bytes, little-endian) followed by one
/// random body shared by all values, so a read can be checked against the key it asked for without storing the values.
/// </summary>
internal sealed class KeySpace
{
    private readonly byte[] _body;

    public KeySpace(int count, int valueBytes, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(valueBytes, sizeof(long));
        Count = count;
        ValueBytes = valueBytes;
        _body = new byte[valueBytes - sizeof(long)];
        new Random(seed).NextBytes(_body);
    }

    public int Count { get; }

    public int ValueBytes { get; }

    /// <summary>The keys <c>{prefix}0</c> … <c>{prefix}{Count-1}</c>, made once so that no target pays for formatting.</summary>
    public string[] Keys(string prefix) => Enumerable.Range(0, Count).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public byte[] Value(int index)
    {
        var value = new byte[ValueBytes];
        BinaryPrimitives.WriteInt64LittleEndian(value, index);
        _body.CopyTo(value.AsSpan(sizeof(long)));
        return value;
    }

    public bool Matches(int index, ReadOnlySpan<byte> data) =>
        data.Length == ValueBytes
        && BinaryPrimitives.ReadInt64LittleEndian(data) == index
        && data[sizeof(long)..].SequenceEqual(_body);
}
