namespace CacheCluster.FaultLoad;

/// <summary>What one load client does, from its command line.</summary>
internal sealed record LoadSettings
{
    /// <summary>This client's name; its keys start with it, so two clients never write the same key.</summary>
    public required string Client { get; init; }

    public required IReadOnlyList<string> Gateways { get; init; }

    public required string ClusterId { get; init; }

    public required string ServiceId { get; init; }

    public required string ResultPath { get; init; }

    /// <summary>How long to run; a <c>stop</c> line on stdin or SIGTERM/SIGINT ends the run sooner.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Writer tasks; each writes its own keys in turn, one write at a time, every <see cref="WriteInterval"/>.</summary>
    public int Writers { get; init; } = 4;

    public int KeysPerWriter { get; init; } = 25;

    public TimeSpan WriteInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    public int Readers { get; init; } = 2;

    public TimeSpan ReadInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>GetOrSet tasks; task j asks for <c>gos:{round}:{j}</c>, a key shared by every client in the same round.</summary>
    public int GetOrSetKeys { get; init; } = 4;

    public TimeSpan GetOrSetInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long the keys of one GetOrSet round are asked for before the next round's keys.</summary>
    public TimeSpan GetOrSetRound { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan FactoryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The rate-limit policy (configured on the silos); <see langword="null"/> for no rate limiting.</summary>
    public string? Policy { get; init; }

    /// <summary>Identifiers <c>id-0</c> … ; every client counts against the same ones.</summary>
    public int Identifiers { get; init; } = 4;

    /// <summary>Each identifier's requests from this client are this far apart.</summary>
    public TimeSpan RateLimitInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan PublishInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public int MaxErrors { get; init; } = 20_000;
}
