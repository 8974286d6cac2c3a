using System.Text;
using System.Text.RegularExpressions;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// <c>cachecluster -i</c> with commands piped into it: a prompt per line, the one-shot answers and messages, help,
/// history, and quit or end of input to leave.
/// </summary>
[Collection(EndToEndCliCollection.Name)]
public sealed partial class CliInteractiveTests(EmbeddedSiloFixture fixture) : IClassFixture<EmbeddedSiloFixture>
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private readonly SiloProcess _silo = fixture.Silo;

    [Fact]
    public async Task Interactive_OverHttp_AnswersEachLineAfterAPrompt_UntilQuit()
    {
        var key = $"e2e:i:{Guid.NewGuid():N}";
        var prompt = $"cachecluster 127.0.0.1:{_silo.HttpPort}> ";
        var lines = $"""
            set {key} "two words" --ttl 3600

            get {key}
            get {key}:missing
            exists {key}
            incr {key}
            gte {key}
            set {key} -
            history
            quit
            get {key}
            """;

        var result = await RunAsync(["--url", _silo.HttpAddress.ToString(), "-i"], lines);

        Assert.True(result.ExitCode == 0, result.ToString());
        var answers = SetVersion().Replace(result.Stdout, "OK version=N");
        Assert.Equal(
            string.Concat(
                prompt, "OK version=N\n",
                prompt,
                prompt, "two words\n",
                prompt,
                prompt, "1\n",
                prompt,
                prompt,
                prompt,
                prompt, $"    1  set {key} \"two words\" --ttl 3600\n    2  get {key}\n    3  get {key}:missing\n    4  exists {key}\n    5  incr {key}\n    6  gte {key}\n    7  set {key} -\n    8  history\n",
                prompt),
            answers);
        Assert.Equal(
            "(nil)\n" +
            "cachecluster: The value is not a 64-bit decimal integer, so it cannot be incremented.\n" +
            "cachecluster: unknown command 'gte'; did you mean 'get'?\n" +
            "cachecluster: 'set KEY -' reads the value from stdin, which holds this session's commands; pipe the value into a one-shot 'cachecluster set KEY -'.\n",
            result.Stderr);
    }

    [Fact]
    public async Task Interactive_OverTheGateway_KeepsOneClientForEveryLine_AndEndsAtEndOfInput()
    {
        var key = $"e2e:i:{Guid.NewGuid():N}";
        var prompt = $"cachecluster {_silo.Gateway}> ";

        var result = await RunAsync([.. _silo.CliConnection, "-i"], $"rpush {key} a b c\nllen {key}\nlrange {key} 0 -1\nttl {key}\n");

        Assert.Equal((0, string.Empty), (result.ExitCode, result.Stderr));
        Assert.Equal(string.Concat(prompt, "3\n", prompt, "3\n", prompt, "a\nb\nc\n", prompt, "-1\n", prompt, "\n"), result.Stdout);
    }

    [Fact]
    public async Task Interactive_Help_ListsTheCommands_AndTheSessionWords()
    {
        var result = await RunAsync(["--url", _silo.HttpAddress.ToString(), "-i"], "help\nhelp get\nexit\n");

        Assert.Equal((0, string.Empty), (result.ExitCode, result.Stderr));
        Assert.Contains("lrange", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Write the value's bytes to stdout", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(result.Stdout, "In this session: help \\[COMMAND\\], history, quit or exit \\(or Ctrl-D\\)\\."));
    }

    [Fact]
    public async Task NoCommand_StdinNotATerminal_WithoutDashI_ExitsTwo()
    {
        var result = await RunAsync(["--url", _silo.HttpAddress.ToString()], "get k\n");

        Assert.Equal(
            (2, string.Empty, "cachecluster: no command given; run 'cachecluster --help' for the commands, or 'cachecluster -i' to read them from stdin.\n"),
            (result.ExitCode, result.Stdout, result.Stderr));
    }

    private static Task<ProcessResult> RunAsync(string[] arguments, string lines) =>
        CliRunner.RunAsync(arguments, NoEnvironment, Encoding.UTF8.GetBytes(lines.ReplaceLineEndings("\n")));

    [GeneratedRegex("OK version=[0-9]+")]
    private static partial Regex SetVersion();
}
