using System.Globalization;
using System.Text.RegularExpressions;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>The CLI against one embedded-mode silo process: answers on stdout and the exit-code contract.</summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class EmbeddedSiloTests(EmbeddedSiloFixture fixture) : IClassFixture<EmbeddedSiloFixture>
{
    private static readonly string NewLine = Environment.NewLine;

    private readonly SiloProcess _silo = fixture.Silo;

    [Fact]
    public async Task Set_WithTtl_ReadsBackWithTtlExistsAndInfo_AndNxDoesNotOverwrite()
    {
        var key = NewKey();

        // An hour: the reads below come well before it whatever the machine's load (a 60 s TTL once expired under a busy run).
        var set = await CliAsync("set", key, "v", "--ttl", "3600");
        Assert.True(set.ExitCode == 0, set.ToString());
        var version = SetVersion().Match(set.Stdout);
        Assert.True(version.Success, set.ToString());

        // Both straight after the write: info dates it, so the seconds ttl may report are known exactly.
        var ttlAndInfo = await Task.WhenAll(CliAsync("ttl", key), CliAsync("info", key));
        var answered = TimeProvider.System.GetUtcNow();
        var (ttl, info) = (ttlAndInfo[0], ttlAndInfo[1]);

        Assert.True(info.ExitCode == 0, info.ToString());
        var fields = InfoFields(info.Stdout);
        Assert.Equal(version.Groups["version"].Value, fields["version"]);
        Assert.Equal("fresh", fields["state"]);
        Assert.Equal("value", fields["kind"]);
        var written = DateTimeOffset.Parse(fields["last-modified"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(TimeSpan.FromSeconds(3600), DateTimeOffset.Parse(fields["expires-at"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) - written);
        Assert.Equal(TimeSpan.FromSeconds(1800), DateTimeOffset.Parse(fields["fresh-until"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) - written);

        // ttl rounds the seconds left up and ran between the write and `answered`: 3600 or 3599 unless the machine stalled.
        Assert.True(ttl.ExitCode == 0, ttl.ToString());
        var lowest = (int)Math.Ceiling(3600 - (answered - written).TotalSeconds);
        Assert.InRange(int.Parse(ttl.Stdout, CultureInfo.InvariantCulture), Math.Min(lowest, 3599), 3600);

        var nx = await CliAsync("set", key, "w", "--nx");
        Assert.Equal((1, string.Empty, "not set: the key exists (--nx)" + NewLine), (nx.ExitCode, nx.Stdout, nx.Stderr));

        var get = await CliAsync("get", key);
        Assert.Equal((0, "v", string.Empty), (get.ExitCode, get.Stdout, get.Stderr));

        var exists = await CliAsync("exists", key);
        Assert.Equal((0, "1" + NewLine), (exists.ExitCode, exists.Stdout));
    }

    [Fact]
    public async Task Invalidate_ByKeyTagAndPattern_PrintsHowManyWereRemoved()
    {
        var prefix = NewKey();
        Assert.Equal(0, (await CliAsync("set", $"{prefix}:a", "1", "--tags", $"{prefix}-tag")).ExitCode);
        Assert.Equal(0, (await CliAsync("set", $"{prefix}:b", "2", "--tags", $"{prefix}-tag")).ExitCode);
        Assert.Equal(0, (await CliAsync("set", $"{prefix}:c", "3")).ExitCode);
        Assert.Equal(0, (await CliAsync("set", $"{prefix}:d", "4")).ExitCode);

        var invalidated = await CliAsync("invalidate", "--tag", $"{prefix}-tag", "--pattern", $"{prefix}:[cd]", "--key", $"{prefix}:missing");
        Assert.Equal((0, "4" + NewLine), (invalidated.ExitCode, invalidated.Stdout));

        var everything = await CliAsync("invalidate", "--pattern", "*");
        Assert.Equal(2, everything.ExitCode);
        Assert.Contains("--allow-all", everything.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_SeedEvent_InvalidatesItsTargets_AndARepeatedIdIsADuplicate()
    {
        var user = Guid.NewGuid().ToString("N");
        Assert.Equal(0, (await CliAsync("set", $"user:{user}:profile", "1")).ExitCode);
        Assert.Equal(0, (await CliAsync("set", $"product:{user}", "2")).ExitCode);
        var id = Guid.NewGuid().ToString("N");

        var published = await CliAsync("publish", "user.updated", $"{{\"user_id\": \"{user}\"}}", "--id", id, "--wait");
        Assert.True(published.ExitCode == 0, published.ToString());
        Assert.Matches(@"^accepted \d+:\d+\n$", published.Stdout);
        Assert.Equal(1, (await CliAsync("exists", $"user:{user}:profile")).ExitCode);
        Assert.Equal(0, (await CliAsync("exists", $"product:{user}")).ExitCode);

        var again = await CliAsync("publish", "user.updated", $"{{\"user_id\": \"{user}\"}}", "--id", id);
        Assert.Equal((0, published.Stdout.Replace("accepted", "duplicate", StringComparison.Ordinal)), (again.ExitCode, again.Stdout));

        var unmatched = await CliAsync("publish", "inventory.counted", "{}");
        Assert.Matches(@"^unmatched \d+:\d+\n$", unmatched.Stdout);
    }

    [Theory]
    [InlineData("user.updated", "{\"user_id\": ", "not valid JSON")]
    [InlineData("user.updated", "[1]", "not an object")]
    [InlineData("user.updated", "{\"id\": 1}", "needs the field 'user_id'")]
    [InlineData("user updated", "{}", "letters, digits")]
    public async Task Publish_BadEvent_ExitsTwo_AndAppliesNothing(string type, string json, string expected)
    {
        var list = $"users:list:{Guid.NewGuid():N}";
        Assert.Equal(0, (await CliAsync("set", list, "1")).ExitCode);

        var result = await CliAsync("publish", type, json);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await CliAsync("exists", list)).ExitCode);
    }

    [Fact]
    public async Task Incr_MissingKey_StartsAtZeroAndAddsOneByDefault()
    {
        var key = NewKey();

        var first = await CliAsync("incr", key, "5");
        Assert.Equal((0, "5" + NewLine), (first.ExitCode, first.Stdout));

        var second = await CliAsync("incr", key);
        Assert.Equal((0, "6" + NewLine), (second.ExitCode, second.Stdout));
    }

    [Fact]
    public async Task Lpush_TwoValues_LastPushedComesFirstInLrangeAndLlenCountsBoth()
    {
        var key = NewKey();

        var push = await CliAsync("lpush", key, "a", "b");
        Assert.Equal((0, "2" + NewLine), (push.ExitCode, push.Stdout));

        var range = await CliAsync("lrange", key, "0", "-1");
        Assert.Equal((0, "b\na\n"), (range.ExitCode, range.Stdout));

        var length = await CliAsync("llen", key);
        Assert.Equal((0, "2" + NewLine), (length.ExitCode, length.Stdout));
    }

    [Fact]
    public async Task Del_ExistingKey_ExitsZero_ThenGetExitsOne()
    {
        var key = NewKey();
        var set = await CliAsync("set", key, "v");
        Assert.True(set.ExitCode == 0, set.ToString());

        var delete = await CliAsync("del", key);
        Assert.Equal((0, "1" + NewLine), (delete.ExitCode, delete.Stdout));

        var get = await CliAsync("get", key);
        Assert.Equal((1, string.Empty, "(nil)" + NewLine), (get.ExitCode, get.Stdout, get.Stderr));
    }

    [Theory]
    [InlineData("set", "", "x")]
    [InlineData("incr", "e2e:counter", "notanumber")]
    public async Task BadInput_ExitsTwoWithMessageAndNoOutput(params string[] command)
    {
        var result = await CliAsync(command);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.StartsWith("cachecluster: ", result.Stderr, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> InfoFields(string stdout) =>
        stdout.Split(NewLine, StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .ToDictionary(parts => parts[0], parts => parts.Length == 2 ? parts[1] : string.Empty);

    private static string NewKey() => $"e2e:{Guid.NewGuid():N}";

    private Task<ProcessResult> CliAsync(params string[] command) => CliRunner.RunAsync([.. _silo.CliConnection, .. command]);

    [GeneratedRegex(@"\AOK version=(?<version>[0-9]+)\n\z")]
    private static partial Regex SetVersion();
}
