namespace CacheCluster.Operations;

/// <summary>One silo's status, as <c>GET /v1/cluster</c> and <c>cachecluster cluster</c> show it.</summary>
[GenerateSerializer, Immutable, Alias("cachecluster.silo-report")]
public sealed record SiloReport
{
    /// <summary>Gets the silo's address, as IP:port@generation.</summary>
    [Id(0)]
    public string Silo { get; init; } = string.Empty;

    /// <summary>Gets the silo's membership status (Active, Joining, ShuttingDown, Dead...).</summary>
    [Id(1)]
    public string Status { get; init; } = string.Empty;

    /// <summary>Gets the Orleans gateway address clients connect to, or <see langword="null"/> when it has none.</summary>
    [Id(2)]
    public string? Gateway { get; init; }

    /// <summary>Gets the silo's HTTP API address, or <see langword="null"/> when it hosts none or did not answer.</summary>
    [Id(3)]
    public string? Http { get; init; }

    /// <summary>Gets when the silo started.</summary>
    [Id(4)]
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets how long the silo has run, in seconds.</summary>
    [Id(5)]
    public double UptimeSeconds { get; init; }

    /// <summary>Gets the CacheCluster version the silo runs, or <see langword="null"/> when it did not answer.</summary>
    [Id(6)]
    public string? Version { get; init; }

    /// <summary>Gets the silo's figures, or <see langword="null"/> when it is not active or did not answer.</summary>
    [Id(7)]
    public SiloFigures? Figures { get; init; }

    /// <summary>Gets why <see cref="Figures"/> is missing for an active silo, or <see langword="null"/>.</summary>
    [Id(8)]
    public string? Error { get; init; }
}
