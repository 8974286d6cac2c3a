namespace CacheCluster.Tests.EndToEnd;

/// <summary>The CLI's lrem and ltrim: redis-cli's replies (a count, OK).</summary>
public sealed partial class EmbeddedSiloTests
{
    [Fact]
    public async Task Lrem_CountFromHeadTailOrAll_PrintsHowManyWereRemoved()
    {
        var key = NewKey();
        Assert.Equal((0, "6" + NewLine, string.Empty), Reply(await CliAsync("rpush", key, "a", "b", "a", "c", "a", "a")));

        Assert.Equal((0, "2" + NewLine, string.Empty), Reply(await CliAsync("lrem", key, "2", "a")));
        Assert.Equal((0, "b\nc\na\na\n", string.Empty), Reply(await CliAsync("lrange", key, "0", "-1")));

        Assert.Equal((0, "1" + NewLine, string.Empty), Reply(await CliAsync("lrem", key, "-1", "a")));
        Assert.Equal((0, "b\nc\na\n", string.Empty), Reply(await CliAsync("lrange", key, "0", "-1")));

        Assert.Equal((0, "0" + NewLine, string.Empty), Reply(await CliAsync("lrem", key, "0", "z")));
        Assert.Equal((0, "1" + NewLine, string.Empty), Reply(await CliAsync("lrem", key, "0", "a")));
        Assert.Equal((0, "0" + NewLine, string.Empty), Reply(await CliAsync("lrem", NewKey(), "0", "a")));
    }

    [Fact]
    public async Task Ltrim_KeepsTheRange_PrintsOk_AndAnEmptyRangeRemovesTheList()
    {
        var key = NewKey();
        Assert.Equal(0, (await CliAsync("rpush", key, "a", "b", "c", "d")).ExitCode);

        Assert.Equal((0, "OK" + NewLine, string.Empty), Reply(await CliAsync("ltrim", key, "1", "-2")));
        Assert.Equal((0, "b\nc\n", string.Empty), Reply(await CliAsync("lrange", key, "0", "-1")));

        Assert.Equal((0, "OK" + NewLine, string.Empty), Reply(await CliAsync("ltrim", key, "5", "10")));
        Assert.Equal((1, "0" + NewLine, string.Empty), Reply(await CliAsync("exists", key)));

        Assert.Equal((0, "OK" + NewLine, string.Empty), Reply(await CliAsync("ltrim", NewKey(), "0", "1")));
    }
}
