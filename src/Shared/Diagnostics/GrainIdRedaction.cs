// Shared source: compiled into the hosts that export traces (Client, Http).
using System.Diagnostics;
using OpenTelemetry;

namespace CacheCluster;

/// <summary>
/// Orleans tags its grain-call spans with the target and source grain ids (<c>orleans.rpc.target_id</c>,
/// <c>orleans.rpc.source_id</c> in 10.4.2; <c>rpc.orleans.*</c> in later versions), and a CacheCluster grain's id holds a cache key, a tag or a rate-limit partition. Before
/// a span is exported, this processor puts the key's hash (<see cref="CacheKey.Hash"/>) in place of the key, keeping
/// the grain type: <c>cacheentry/#1f0c...</c>. Add it before the exporter.
/// </summary>
internal sealed class GrainIdRedaction : BaseProcessor<Activity>
{
    private static readonly string[] GrainIdTags = ["orleans.rpc.target_id", "orleans.rpc.source_id", "rpc.orleans.target_id", "rpc.orleans.source_id"];

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

    /// <summary>
    /// The grain id with its key hashed, or <see langword="null"/> when it has no key part or is Orleans' own
    /// (<c>sys.client/…</c>, <c>sys.svc…</c>: no application data).
    /// </summary>
    internal static string? Redact(string grainId)
    {
        var slash = grainId.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 || slash == grainId.Length - 1 || grainId[slash + 1] == '#' || grainId.StartsWith("sys.", StringComparison.Ordinal)
            ? null
            : string.Concat(grainId.AsSpan(0, slash + 1), "#", CacheKey.Hash(grainId[(slash + 1)..]));
    }
}
