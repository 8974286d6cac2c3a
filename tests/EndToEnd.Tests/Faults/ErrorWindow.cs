using CacheCluster.FaultLoad.Recording;

namespace CacheCluster.Tests.Faults;

/// <summary>The failed operations of the load clients: how many, and the span of their starts and of their failures.</summary>
/// <param name="Errors">Failed operations, over both clients.</param>
/// <param name="FirstStartMs">When the first failed operation started.</param>
/// <param name="LastStartMs">When the last failed operation started.</param>
/// <param name="LastFailedMs">When the last failure arrived.</param>
internal sealed record ErrorWindow(long Errors, long FirstStartMs, long LastStartMs, long LastFailedMs)
{
    /// <summary>Gets the time from the start of the first failing operation to the start of the last one.</summary>
    public TimeSpan ByStart => TimeSpan.FromMilliseconds(LastStartMs - FirstStartMs);

    public static ErrorWindow Of(IReadOnlyList<LoadReport> reports)
    {
        var errors = reports.SelectMany(report => report.Errors).ToList();
        var unlisted = reports.Sum(report => report.ErrorsNotListed);
        Assert.True(unlisted == 0, $"{unlisted} errors were counted but not listed: the window cannot be measured.");
        return errors.Count == 0
            ? new ErrorWindow(0, 0, 0, 0)
            : new ErrorWindow(errors.Count, errors.Min(e => e.StartedAtMs), errors.Max(e => e.StartedAtMs), errors.Max(e => e.AtMs));
    }

    /// <summary>
    /// Asserts that every failed operation failed as README documents for the fault: a cache operation with
    /// <paramref name="cacheError"/> (the exception type's name), a rate-limit request with the client's degraded answer
    /// (<see cref="LoadOperations.RateLimitDegraded"/>, the policy's failure mode), and nothing with any other type.
    /// </summary>
    public static void AssertTypes(IReadOnlyList<LoadReport> reports, string cacheError, long zeroMs)
    {
        var others = reports.SelectMany(report => report.Errors)
            .Where(e => e.Type != (e.Operation == LoadOperations.RateLimit ? LoadOperations.RateLimitDegraded : cacheError))
            .ToList();
        Assert.True(
            others.Count == 0,
            $"{others.Count} operations failed with a type README does not document for this fault (cache operations: {cacheError}; " +
            $"rate limits: {LoadOperations.RateLimitDegraded}):\n" + string.Join(
                "\n",
                others.Take(30).Select(e => $"  {e.Operation} {e.Key}: started {e.StartedAtMs - zeroMs} ms, failed {e.AtMs - zeroMs} ms: {e.Type}/{e.Inner}: {e.Message}")));
    }

    /// <summary>The errors, grouped by operation and type, for the test output.</summary>
    public static string Summary(IReadOnlyList<LoadReport> reports) =>
        string.Join(
            "; ",
            reports.SelectMany(report => report.Errors)
                .GroupBy(e => $"{e.Operation} {e.Type}{(e.Inner is null ? string.Empty : "/" + e.Inner)}")
                .OrderByDescending(group => group.Count())
                .Select(group => $"{group.Count()} × {group.Key}"));

    /// <summary>Each error, with its start and failure relative to <paramref name="zeroMs"/>, for a failure message.</summary>
    public static string Details(IReadOnlyList<LoadReport> reports, long zeroMs) =>
        string.Join(
            "\n",
            reports.SelectMany(report => report.Errors.Select(e => (report.Client, Error: e)))
                .OrderBy(e => e.Error.StartedAtMs)
                .Take(60)
                .Select(e => $"  {e.Client} {e.Error.Operation} {e.Error.Key}: started {e.Error.StartedAtMs - zeroMs} ms, failed {e.Error.AtMs - zeroMs} ms: {e.Error.Type}: {e.Error.Message}"));
}
