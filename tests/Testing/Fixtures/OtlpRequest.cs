using System.Text;

namespace CacheCluster.Tests.Fixtures;

/// <summary>One request the stand-in collector received.</summary>
public sealed record OtlpRequest(string Method, string Path, string? ContentType, byte[] Body)
{
    /// <summary>Whether the protobuf body holds <paramref name="text"/> (OTLP carries names and attribute values as UTF-8).</summary>
    public bool Holds(string text) => Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
}
