namespace CacheCluster.Tests.EndToEnd;

/// <summary>How the silo program starts and stops as an OS process: bad configuration, SIGTERM.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class SiloLifecycleTests
{
    [Fact]
    public async Task Silo_SiloPortZero_ExitsTwoNamingTheKey()
    {
        var result = await SiloProcess.RunToExitAsync("--CacheCluster:SiloPort=0");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "cachecluster-silo: invalid configuration: CacheCluster:SiloPort must be between 1 and 65535 (was 0)." + Environment.NewLine,
            result.Stderr);
        Assert.DoesNotContain(SiloProcess.ReadyLine, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_SigTerm_StopsGracefullyWithExitCodeZero()
    {
        await using var silo = await SiloProcess.StartAsync(ClusterIdentity.New("sigterm"));

        var exitCode = await silo.TerminateAsync(SiloProcess.GracefulExitTimeout);

        Assert.True(exitCode == 0, $"exit code {exitCode}. Output:\n{silo.Output}");
    }
}
