using System.Text;

namespace CacheCluster.Tests.Readme;

/// <summary>
/// README's bash blocks run exactly as written, from the repository's root with <c>bash -e</c>, each against what its
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

        ReadmeShellResult result;
        await using (var silo = await ReadmeProgram.StartEmbeddedSiloAsync())
        {
            result = await ReadmeShell.RunAsync(Session(blocks), SessionBound);
        }

        AssertRan(blocks, result);

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

        ReadmeShellResult result;
        await using (var shop = await ReadmeProgram.StartShopAsync())
        {
            result = await ReadmeShell.RunAsync(Session(blocks), SessionBound);
        }

        AssertRan(blocks, result);

        // README: "a token bucket of 5: 200, then 400 (the cart is empty), then 429".
        Assert.True(result.Stdout.Contains("200\n400\n400\n400\n400\n429\n", StringComparison.Ordinal), $"the checkout loop did not answer 200, 400 x4, 429; {result}");
    }

    [Theory]
    [MemberData(nameof(StandaloneBlocks))]
    public async Task StandaloneBlock_RunsAsWritten(int line)
    {
        var block = ReadmeBlock.At(line);
        ReadmeShellResult result;
        try
        {
            result = await ReadmeShell.RunAsync(Session([block]), StandaloneBound);
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

        AssertRan([block], result);
    }

    /// <summary>The three-silo Redis block, which <see cref="ReadmeRunTests"/> runs and checks on its own.</summary>
    internal static bool IsThreeSiloBlock(ReadmeBlock block) =>
        block.Text.Contains("three silos do not build over each other", StringComparison.Ordinal);

    // The blocks one after another in one bash -e, each announced on stdout, so a failure names its block.
    private static string Session(IReadOnlyList<ReadmeBlock> blocks)
    {
        var text = new StringBuilder();
        foreach (var block in blocks)
        {
            text.Append("printf '\\n::readme-block ").Append(block.Line).Append("\\n'\n");
            text.Append(block.Text).Append('\n');
        }

        text.Append("printf '\\n::readme-end\\n'\n");
        return text.ToString();
    }

    private static void AssertRan(IReadOnlyList<ReadmeBlock> blocks, ReadmeShellResult result)
    {
        var started = result.Stdout.Split('\n').LastOrDefault(l => l.StartsWith("::readme-block ", StringComparison.Ordinal)) ?? "(none started)";
        var lines = string.Join(", ", blocks.Select(b => b.Line));
        Assert.True(
            result.ExitCode == 0 && result.Stdout.Contains("::readme-end", StringComparison.Ordinal),
            $"README.md blocks at lines {lines}: the last block started was {started}; {result}");
    }
}
