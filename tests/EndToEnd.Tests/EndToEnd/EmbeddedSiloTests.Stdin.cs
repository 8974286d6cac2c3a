using System.Text;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>The CLI's <c>set KEY -</c>: the value's bytes from stdin, and <c>get</c> writing them back as they are.</summary>
public sealed partial class EmbeddedSiloTests
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    [Fact]
    public async Task SetFromStdin_EveryByteValue_GetWritesTheSameBytesWithNoNewline()
    {
        var key = NewKey();
        byte[] value = [.. Enumerable.Range(0, 256).Select(b => (byte)b), .. "\r\n\n"u8, 0xFF, 0xFE, 0x00];

        var set = await CliRunner.RunAsync([.. _silo.CliConnection, "set", key, "-"], NoEnvironment, value);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.Matches(SetVersion(), set.Stdout);

        var get = await CliRunner.RunAsync([.. _silo.CliConnection, "get", key], NoEnvironment);
        Assert.Equal((0, string.Empty), (get.ExitCode, get.Stderr));
        Assert.Equal(value, get.StdoutBytes);
    }

    [Fact]
    public async Task SetFromStdin_Empty_StoresTheEmptyValue()
    {
        var key = NewKey();

        Assert.Equal(0, (await CliRunner.RunAsync([.. _silo.CliConnection, "set", key, "-"], NoEnvironment, [])).ExitCode);

        var get = await CliRunner.RunAsync([.. _silo.CliConnection, "get", key], NoEnvironment);
        Assert.Equal((0, 0), (get.ExitCode, get.StdoutBytes.Length));
    }

    [Fact]
    public async Task SetFromStdin_OverTheClustersLimit_ExitsTwo_AndWritesNothing()
    {
        var key = NewKey();
        Assert.Equal(0, (await CliAsync("set", key, "sentinel")).ExitCode);
        var tooLarge = new byte[(1024 * 1024) + 1];

        var set = await CliRunner.RunAsync([.. _silo.CliConnection, "set", key, "-"], NoEnvironment, tooLarge);

        Assert.Equal((2, string.Empty, "cachecluster: The value is 1048577 bytes; the limit is 1048576 bytes." + NewLine), Reply(set));
        Assert.Equal((0, "sentinel", string.Empty), Reply(await CliAsync("get", key)));
    }

    [Fact]
    public async Task SetFromStdin_OverWhatAnyClusterAccepts_ExitsTwoBeforeConnecting()
    {
        var tooLarge = new byte[(64 * 1024 * 1024) + 1];

        // A closed gateway: the input is refused before any connection is tried.
        var set = await CliRunner.RunAsync(["--gateway", $"127.0.0.1:{Fixtures.RedisServer.FreePort()}", "set", NewKey(), "-"], NoEnvironment, tooLarge);

        Assert.Equal(
            (2, string.Empty, "cachecluster: the value on stdin is larger than 67108864 bytes (64 MiB), the most a cluster accepts; nothing was written." + NewLine),
            Reply(set));
    }

    [Fact]
    public async Task SetLiteralText_IsStoredAsUtf8()
    {
        var key = NewKey();
        Assert.Equal(0, (await CliAsync("set", key, "zürich")).ExitCode);

        Assert.Equal(Encoding.UTF8.GetBytes("zürich"), (await CliAsync("get", key)).StdoutBytes);
    }
}
