using OpenTelemetry.Trace;

namespace CacheCluster.Tests.Tracing;

/// <summary>
/// Records the trace a test starts with a root span of its own name, and nothing else: other tests of the process
/// start spans of the same sources at the same time. Children follow their parent's decision, across the grain calls.
/// </summary>
public sealed class OneTraceSampler(string rootName) : Sampler
{
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default
            ? new SamplingResult(samplingParameters.Name == rootName ? SamplingDecision.RecordAndSample : SamplingDecision.Drop)
            : new SamplingResult(samplingParameters.ParentContext.TraceFlags.HasFlag(System.Diagnostics.ActivityTraceFlags.Recorded) ? SamplingDecision.RecordAndSample : SamplingDecision.Drop);
}
