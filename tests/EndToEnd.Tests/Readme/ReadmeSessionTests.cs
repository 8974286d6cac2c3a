namespace CacheCluster.Tests.Readme;

/// <summary>How a <see cref="ReadmeSession"/> judges what its blocks printed, on small made-up blocks run by bash.</summary>
public sealed class ReadmeSessionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Transcript_PrintsWhatItShows_NumbersAside_IsNoProblem()
    {
        var session = new ReadmeSession([new ReadmeBlock("console", 10, "$ echo 'accepted 7:1'; echo extra\naccepted 5:17\n...")]);

        var problems = session.Problems(await ReadmeShell.RunAsync(session.Script, Bound));

        Assert.Empty(problems);
    }

    [Fact]
    public async Task Transcript_ShowsALineNotPrinted_IsAProblemNamingTheLine()
    {
        var session = new ReadmeSession([new ReadmeBlock("console", 10, "$ echo 'duplicate 7:1'\naccepted 5:17")]);

        var problems = session.Problems(await ReadmeShell.RunAsync(session.Script, Bound));

        var problem = Assert.Single(problems);
        Assert.Contains("line 11", problem, StringComparison.Ordinal);
        Assert.Contains("accepted 5:17", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingTranscriptCommand_DoesNotEndTheSession_ButAFailingBashBlockDoes()
    {
        var transcript = new ReadmeSession(
        [
            new ReadmeBlock("console", 10, "$ false"),
            new ReadmeBlock("bash", 20, "greet() { echo \"hi $1\"; }"),
            new ReadmeBlock("console", 30, "$ greet ada\nhi ada"),
        ]);
        var failing = new ReadmeSession([new ReadmeBlock("bash", 40, "false\necho after")]);

        var transcriptProblems = transcript.Problems(await ReadmeShell.RunAsync(transcript.Script, Bound));
        var failingProblems = failing.Problems(await ReadmeShell.RunAsync(failing.Script, Bound));

        Assert.Empty(transcriptProblems);
        var problem = Assert.Single(failingProblems);
        Assert.Contains("::readme-block 40", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("after", problem.Split("stdout:")[1].Split("stderr:")[0], StringComparison.Ordinal);
    }
}
