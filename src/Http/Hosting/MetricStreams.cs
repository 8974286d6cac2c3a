using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace CacheCluster.Http.Hosting;

/// <summary>How each instrument the silo exports becomes a metric stream: one view for all of them.</summary>
internal static class MetricStreams
{
    /// <summary>
    /// The most tag combinations one stream keeps (OpenTelemetry's default is 2,000). The SDK allocates a stream's
    /// points up front, 72 bytes each: at the default, the silo's 130 streams (219 with the dashboard) held 19-32 MB
    /// of the heap before serving anything. The silo's own instruments have tens of combinations and Orleans' a few
    /// per grain type; past the limit a stream folds the rest into its overflow point (<c>otel.metric.overflow</c>).
    /// </summary>
    public const int CardinalityLimit = 256;

    /// <summary>
    /// Orleans records every message's size in two histograms with two or three tags each, on the hot path of every
    /// grain call; they are dropped (the gateway counters still count messages).
    /// </summary>
    private static readonly HashSet<string> Dropped = new(StringComparer.Ordinal)
    {
        "orleans-messaging-sent-messages-size",
        "orleans-messaging-received-messages-size",
    };

    private static readonly MetricStreamConfiguration Kept = new() { CardinalityLimit = CardinalityLimit };

    /// <summary>The view: <see cref="MetricStreamConfiguration.Drop"/> or the limited stream.</summary>
    public static MetricStreamConfiguration Configure(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        return Dropped.Contains(instrument.Name) ? MetricStreamConfiguration.Drop : Kept;
    }
}
