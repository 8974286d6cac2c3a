// Shared source: compiled into the hosts that export traces (Client, Http).
using System.Diagnostics;
using OpenTelemetry;

namespace CacheCluster;

/// <summary>
/// Orleans tags its grain-call spans with the target and source grain ids (<c>rpc.orleans.target_id</c>,
/// <c>rpc.orleans.source_id</c>), and a CacheCluster grain's id holds a cache key, a tag or a rate-limit partition. Before
/// a span is exported, this processor puts the key's hash (<see cref="CacheKey.Hash"/>) in place of the key, keeping
/// the grain type: <c>cacheentry/#1f0c...</c>. Add it before the exporter.
/// </summary>
internal sealed class GrainIdRedaction : BaseProcessor<Activity>
{
    private static readonly string[] GrainIdTags = ["rpc.orleans.target_id", "rpc.orleans.source_id"];

    public override void OnEnd(Activity data)
    {
        if (!data.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal))
        {
            return;
        }

        foreach (var name in GrainIdTags)
        {
            if (data.GetTagItem(name) is string id && Redact(id) is { } redacted)
            {
                data.SetTag(name, redacted);
            }
        }
    }

    /// <summary>The grain id with its key hashed, or <see langword="null"/> when it has no key part.</summary>
    internal static string? Redact(string grainId)
    {
        var slash = grainId.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 || slash == grainId.Length - 1 || grainId[slash + 1] == '#'
            ? null
            : string.Concat(grainId.AsSpan(0, slash + 1), "#", CacheKey.Hash(grainId[(slash + 1)..]));
    }
}
