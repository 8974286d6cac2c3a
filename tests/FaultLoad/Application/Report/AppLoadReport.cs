namespace CacheCluster.FaultLoad.Application.Report;

// The result file of one application-load run (--mode app). The fault tests compile these files too (linked), to read
// it back. Times are Unix milliseconds from the client's clock (the tests run on the same machine).

/// <summary>What the application-side load saw, phase by phase, with every Remove it issued and every read behind.</summary>
internal sealed record AppLoadReport
{
    public required string Client { get; init; }

    public long StartedAtMs { get; init; }

    public long StoppedAtMs { get; init; }

    public int Keys { get; init; }

    public long FactoryDelayMs { get; init; }

    public bool NearCache { get; init; }

    /// <summary>The keys the mutators left alone from the <c>back</c> mark on (the upper half).</summary>
    public required List<string> QuietKeys { get; init; }

    /// <summary>The phases the test marked (the first is <c>start</c>), each with its figures.</summary>
    public required List<AppPhase> Phases { get; init; }

    /// <summary>Every Remove issued, in order of issue.</summary>
    public required List<AppRemove> Removes { get; init; }

    /// <summary>Every read (TryGet or GetOrSet) that returned a generation older than one the client knew of when it started.</summary>
    public required List<AppBehindRead> BehindReads { get; init; }

    /// <summary>The first message of each exception type seen, for the figures.</summary>
    public required Dictionary<string, string> ErrorExamples { get; init; }
}
