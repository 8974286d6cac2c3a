namespace CacheCluster.Tests.EndToEnd;

/// <summary><c>mset</c> and <c>mget</c> over the HTTP API and over the gateway: the same output and exit codes.</summary>
[Collection(EndToEndCliCollection.Name)]
public sealed class CliBatchTests(EmbeddedSiloFixture fixture) : IClassFixture<EmbeddedSiloFixture>
{
    private readonly SiloProcess _silo = fixture.Silo;

    [Fact]
    public async Task MsetThenMget_OverHttpAndGateway_PrintValuesAndNil_WithTheSameExitCodes()
    {
        string[] http = ["--url", _silo.HttpAddress.ToString()];
        var (a, b, missing) = ($"cli-batch-{Guid.NewGuid():N}", $"cli-batch-{Guid.NewGuid():N}", $"cli-batch-{Guid.NewGuid():N}");

        var set = await CliRunner.RunAsync([.. http, "mset", a, "héllo wörld", b, "2"]);
        var overHttp = await CliRunner.RunAsync([.. http, "mget", a, missing, b]);
        var overGateway = await CliRunner.RunAsync([.. _silo.CliConnection, "mget", a, missing, b]);
        var found = await CliRunner.RunAsync([.. http, "mget", b, a]);
        var odd = await CliRunner.RunAsync([.. http, "mset", a, "v", b]);
        var badKey = await CliRunner.RunAsync([.. http, "mget", a, " "]);

        Assert.Equal((0, "OK\n", string.Empty), (set.ExitCode, set.Stdout, set.Stderr));
        Assert.Equal((1, "héllo wörld\n(nil)\n2\n", string.Empty), (overHttp.ExitCode, overHttp.Stdout, overHttp.Stderr));
        Assert.Equal((overHttp.ExitCode, overHttp.Stdout), (overGateway.ExitCode, overGateway.Stdout));
        Assert.Equal((0, "2\nhéllo wörld\n"), (found.ExitCode, found.Stdout));
        Assert.Equal((2, string.Empty), (odd.ExitCode, odd.Stdout));
        Assert.Contains("no value", odd.Stderr, StringComparison.Ordinal);
        Assert.Equal((2, string.Empty), (badKey.ExitCode, badKey.Stdout));
    }
}
