using System.Buffers;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace CacheCluster.Caching.Hybrid;

/// <summary>Strings stay raw: their UTF-8 bytes, as Microsoft's HybridCache stores them.</summary>
internal sealed class Utf8StringHybridSerializer : IHybridCacheSerializer<string>
{
    public string Deserialize(ReadOnlySequence<byte> source) => Encoding.UTF8.GetString(source);

    public void Serialize(string value, IBufferWriter<byte> target)
    {
        ArgumentNullException.ThrowIfNull(target);
        Encoding.UTF8.GetBytes(value, target);
    }
}
