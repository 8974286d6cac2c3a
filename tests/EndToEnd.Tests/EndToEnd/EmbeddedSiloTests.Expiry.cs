using System.Globalization;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>The CLI's expire, persist and touch: Redis' integer replies and exit codes.</summary>
public sealed partial class EmbeddedSiloTests
{
    [Fact]
    public async Task ExpirePersistTouch_PrintOneOrZero_AndExitOneForZero()
    {
        var key = NewKey();
        var missing = NewKey();
        Assert.Equal(0, (await CliAsync("set", key, "v")).ExitCode);
        var one = (0, "1" + NewLine, string.Empty);
        var zero = (1, "0" + NewLine, string.Empty);

        Assert.Equal(one, Reply(await CliAsync("expire", key, "3600.5")));
        var fields = InfoFields((await CliAsync("info", key)).Stdout);
        Assert.Equal(TimeSpan.FromSeconds(3600.5), Time(fields["expires-at"]) - Time(fields["last-modified"]));
        Assert.Equal("none", fields["sliding"]);

        Assert.Equal(one, Reply(await CliAsync("touch", key)));
        Assert.Equal(one, Reply(await CliAsync("persist", key)));
        Assert.Equal((0, "-1" + NewLine, string.Empty), Reply(await CliAsync("ttl", key)));
        Assert.Equal(zero, Reply(await CliAsync("persist", key)));

        Assert.Equal(zero, Reply(await CliAsync("expire", missing, "10")));
        Assert.Equal(zero, Reply(await CliAsync("persist", missing)));
        Assert.Equal(zero, Reply(await CliAsync("touch", missing)));

        Assert.Equal(one, Reply(await CliAsync("expire", key, "0")));
        Assert.Equal(zero, Reply(await CliAsync("exists", key)));
    }

    private static (int ExitCode, string Stdout, string Stderr) Reply(ProcessResult result) => (result.ExitCode, result.Stdout, result.Stderr);

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
}
