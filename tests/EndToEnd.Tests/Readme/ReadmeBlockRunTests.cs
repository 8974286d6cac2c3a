namespace CacheCluster.Tests.Readme;

/// <summary>
/// README's shell blocks (bash, and console transcripts) run exactly as written, from the repository's root with <c>bash -e</c>, each against what its
/// <see cref="ReadmeRunMarker"/> says it needs. Blocks against one fixture run in README order in one shell, as a
/// newcomer runs them in one terminal (a function one block defines, such as <c>cachecluster</c>, serves the next).
/// On README's fixed ports, so in <see cref="ReadmeRunCollection"/>, never beside another test that uses them.
/// </summary>
[Collection(ReadmeRunCollection.Name)]
public sealed class ReadmeBlockRunTests
{
    private static readonly TimeSpan SessionBound = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StandaloneBound = TimeSpan.FromMinutes(4);

    public static TheoryData<int> StandaloneBlocks
    {
        get
        {
            var data = new TheoryData<int>();
            foreach (var block in ReadmeRunMarker.Blocks(ReadmeRunMarker.None).Where(b => !IsThreeSiloBlock(b)))
            {
                data.Add(block.Line);
            }

            return data;
        }
    }

    [Fact]
    public async Task EmbeddedBlocks_RunAsWritten_AgainstOneEmbeddedSilo()
    {
        var blocks = ReadmeRunMarker.Blocks(ReadmeRunMarker.Embedded);
        Assert.NotEmpty(blocks);

        ReadmeSession session;
        ReadmeShellResult result;
        await using (var silo = await ReadmeProgram.StartEmbeddedSiloAsync())
        {
            (session, result) = await RunAsync(blocks, SessionBound);
        }

        AssertRan(session, result);

        // The responses README shows as comments ('# HTTP/1.1 201 Created') are the ones the commands got.
        var shown = blocks.SelectMany(b => b.Text.Split('\n'))
            .Where(l => l.StartsWith("# HTTP/1.1 ", StringComparison.Ordinal))
            .Select(l => l[2..])
            .ToList();
        Assert.NotEmpty(shown);
        var got = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToHashSet(StringComparer.Ordinal);
        var missing = shown.Where(l => !got.Contains(l)).ToList();
        Assert.True(missing.Count == 0, $"README shows '{string.Join("', '", missing)}', which the commands did not get; {result}");
    }

    [Fact]
    public async Task ShopBlocks_RunAsWritten_AgainstTheShop()
    {
        var blocks = ReadmeRunMarker.Blocks(ReadmeRunMarker.Shop);
        Assert.NotEmpty(blocks);

        ReadmeSession session;
        ReadmeShellResult result;
        await using (var shop = await ReadmeProgram.StartShopAsync())
        {
            (session, result) = await RunAsync(blocks, SessionBound);
        }

        AssertRan(session, result);

        // README: "a token bucket of 5: 200, then 400 (the cart is empty), then 429".
        Assert.True(result.Stdout.Contains("200\n400\n400\n400\n400\n429\n", StringComparison.Ordinal), $"the checkout loop did not answer 200, 400 x4, 429; {result}");
    }

    [Theory]
    [MemberData(nameof(StandaloneBlocks))]
    public async Task StandaloneBlock_RunsAsWritten(int line)
    {
        var block = ReadmeBlock.At(line);
        ReadmeSession session;
        ReadmeShellResult result;
        try
        {
            (session, result) = await RunAsync([block], StandaloneBound);
        }
        finally
        {
            // cluster.sh starts its redis-server and silos in sessions of their own: only its 'down' stops them.
            if (block.Text.Contains("scripts/cluster.sh up", StringComparison.Ordinal))
            {
                var down = await ReadmeShell.RunAsync("scripts/cluster.sh down", StandaloneBound);
                Assert.True(down.ExitCode == 0, $"scripts/cluster.sh down after README.md line {line}: {down}");
            }
        }

        AssertRan(session, result);
    }

    /// <summary>The three-silo Redis block, which <see cref="ReadmeRunTests"/> runs and checks on its own.</summary>
    internal static bool IsThreeSiloBlock(ReadmeBlock block) =>
        block.Text.Contains("three silos do not build over each other", StringComparison.Ordinal);

    private static async Task<(ReadmeSession Session, ReadmeShellResult Result)> RunAsync(IReadOnlyList<ReadmeBlock> blocks, TimeSpan bound)
    {
        var session = new ReadmeSession(blocks);
        return (session, await ReadmeShell.RunAsync(session.Script, bound));
    }

    private static void AssertRan(ReadmeSession session, ReadmeShellResult result)
    {
        var problems = session.Problems(result);
        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
    }
}
