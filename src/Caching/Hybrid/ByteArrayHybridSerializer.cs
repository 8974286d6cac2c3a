using System.Buffers;
using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Caching.Hybrid;

/// <summary>Byte arrays stay raw: stored as they are.</summary>
internal sealed class ByteArrayHybridSerializer : IHybridCacheSerializer<byte[]>
{
    public byte[] Deserialize(ReadOnlySequence<byte> source) => source.ToArray();

    public void Serialize(byte[] value, IBufferWriter<byte> target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Write(value);
    }
}
