namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// One silo process in embedded mode (localhost clustering, in-memory entries) with nothing but its ports set, so the
/// silo's and the CLI's default cluster and service ids must agree. Each test uses fresh keys.
/// </summary>
public sealed class EmbeddedSiloFixture : IAsyncLifetime
{
    public SiloProcess Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await SiloProcess.StartAsync(identity: null);

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}
