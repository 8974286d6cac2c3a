namespace CacheCluster.FaultLoad.Recording;

// The result file of one load-client run. The fault tests compile this file too (linked), to read it back.
// Times are Unix milliseconds from the client's clock (the tests run on the same machine).

/// <summary>Everything one load client saw: acknowledged writes, errors, GetOrSet fills, rate-limit admissions.</summary>
internal sealed record LoadReport
{
    public required string Client { get; init; }

    public long StartedAtMs { get; init; }

    public long StoppedAtMs { get; init; }

    /// <summary>Operation name (<see cref="LoadOperations"/>) to its counts.</summary>
    public required Dictionary<string, OperationCounts> Operations { get; init; }

    /// <summary>Every key this client wrote, with its last acknowledged value and the values whose outcome is unknown.</summary>
    public required List<KeyWrites> Writes { get; init; }

    /// <summary>Reads that returned a value older than one acknowledged before the read started.</summary>
    public long ReadsBehindAcknowledged { get; init; }

    public required List<GetOrSetKey> GetOrSet { get; init; }

    /// <summary>How long one GetOrSet round's keys (<c>gos:{round}:{slot}</c>, round = Unix ms / this) are asked for.</summary>
    public long GetOrSetRoundMs { get; init; }

    public required RateLimitRecord RateLimit { get; init; }

    /// <summary>Every failed operation, in order of failure, up to <c>--max-errors</c>.</summary>
    public required List<OperationError> Errors { get; init; }

    /// <summary>Failures beyond the listed ones (counted, not listed).</summary>
    public long ErrorsNotListed { get; init; }

    /// <summary>Successes and failures per operation and 250 ms bucket (by the operation's start).</summary>
    public required List<TimelineBucket> Timeline { get; init; }
}

/// <summary>The operation names used in reports.</summary>
internal static class LoadOperations
{
    public const string Set = "set";
    public const string Get = "get";
    public const string GetOrSet = "getOrSet";
    public const string RateLimit = "rateLimit";
    public const string Publish = "publish";

    public static readonly IReadOnlyList<string> All = [Set, Get, GetOrSet, RateLimit, Publish];

    /// <summary>The error type recorded when the client library answered a rate-limit request by its failure mode.</summary>
    public const string RateLimitDegraded = "RateLimitDegraded";
}

internal sealed record OperationCounts(long Ok, long Failed);

/// <param name="Key">The key.</param>
/// <param name="LastAcknowledged">The value of the last write the cluster acknowledged; 0 when none was.</param>
/// <param name="LastAcknowledgedAtMs">When that acknowledgement arrived.</param>
/// <param name="Acknowledged">How many writes of this key were acknowledged.</param>
/// <param name="Unknown">Values whose write failed: the cluster may or may not have applied them.</param>
internal sealed record KeyWrites(string Key, long LastAcknowledged, long LastAcknowledgedAtMs, long Acknowledged, List<long> Unknown);

/// <param name="Key">The key.</param>
/// <param name="FactoryRuns">How often this client's factory ran for it.</param>
/// <param name="Completed">GetOrSet calls that returned a value.</param>
/// <param name="Failed">GetOrSet calls that failed.</param>
internal sealed record GetOrSetKey(string Key, long FactoryRuns, long Completed, long Failed);

internal sealed record RateLimitRecord(string Policy, List<LimiterRecord> Limiters);

/// <param name="Identifier">The identifier counted.</param>
/// <param name="Admitted">Each request the cluster admitted (not counting degraded answers).</param>
/// <param name="Limited">Requests the cluster refused.</param>
/// <param name="Degraded">Answers the client made up because the cluster could not decide.</param>
internal sealed record LimiterRecord(string Identifier, List<Admission> Admitted, long Limited, long Degraded);

/// <param name="AtMs">When the decision arrived.</param>
/// <param name="ResetAtMs">When the decision said the full quota is back (a fixed window's end).</param>
/// <param name="Remaining">The decision's remaining permits: the deciding limiter had counted limit − this in the window.</param>
internal sealed record Admission(long AtMs, long ResetAtMs, long Remaining);

/// <param name="StartedAtMs">When the failed operation started.</param>
/// <param name="AtMs">When it failed.</param>
/// <param name="Operation">The operation (<see cref="LoadOperations"/>).</param>
/// <param name="Type">The exception type.</param>
/// <param name="Inner">The inner exception type, if any.</param>
/// <param name="Message">The first line of the message.</param>
/// <param name="Key">The key or identifier.</param>
internal sealed record OperationError(long StartedAtMs, long AtMs, string Operation, string Type, string? Inner, string Message, string? Key);

internal sealed record TimelineBucket(long StartMs, string Operation, long Ok, long Failed);
