using HdrHistogram;

namespace CacheCluster.Bench.Measurement;

/// <summary>
/// What a load run counted: decisions by outcome, failures (with the first one's type and message), the time from
/// releasing the callers until the last one finished, and the per-decision latencies in <see cref="TimeSpan"/> ticks.
/// </summary>
internal sealed record LoadResult(long Allowed, long Limited, long Degraded, long Errors, TimeSpan Elapsed, HistogramBase Latencies, string? FirstError)
{
    public long Decisions => Allowed + Limited + Degraded;

    public double DecisionsPerSecond => Decisions / Elapsed.TotalSeconds;

    public double PercentileMicroseconds(double percentile) =>
        Latencies.TotalCount == 0 ? double.NaN : Latencies.GetValueAtPercentile(percentile) / (double)TimeSpan.TicksPerMicrosecond;

    public double MaxMicroseconds => Latencies.TotalCount == 0 ? double.NaN : Latencies.GetMaxValue() / (double)TimeSpan.TicksPerMicrosecond;

    public double MeanMicroseconds => Latencies.TotalCount == 0 ? double.NaN : Latencies.GetMean() / TimeSpan.TicksPerMicrosecond;
}
