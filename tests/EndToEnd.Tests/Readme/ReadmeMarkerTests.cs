namespace CacheCluster.Tests.Readme;

/// <summary>
/// Every README shell block (bash, or a console transcript) says how the tests run it (<see cref="ReadmeRunMarker"/>): a block without a marker, with an
/// unknown kind, or skipped without a reason fails here, so no new block goes unrun by accident.
/// </summary>
public sealed class ReadmeMarkerTests
{
    [Fact]
    public void EveryShellBlock_CarriesAKnownMarker()
    {
        var blocks = ReadmeRunMarker.ShellBlocks();
        var unmarked = blocks.Where(b => b.Marker is null).Select(b => b.Block.Line).ToList();
        var unknown = blocks.Where(b => b.Marker is { } m && !ReadmeRunMarker.Kinds.Contains(m.Kind)).Select(b => $"{b.Block.Line} ('{b.Marker!.Kind}')").ToList();

        Assert.NotEmpty(blocks);
        Assert.True(unmarked.Count == 0, $"README.md shell blocks without a '<!-- readme-run: KIND -->' line right above them: lines {string.Join(", ", unmarked)}");
        Assert.True(unknown.Count == 0, $"README.md shell blocks with an unknown readme-run kind (known: {string.Join(", ", ReadmeRunMarker.Kinds)}): lines {string.Join(", ", unknown)}");
    }

    [Fact]
    public void SkipMarkers_GiveAReason_AndStayFew()
    {
        var skips = ReadmeRunMarker.ShellBlocks().Where(b => b.Marker?.Kind == ReadmeRunMarker.Skip).ToList();
        var unexplained = skips.Where(b => b.Marker!.Detail.Length < 10).Select(b => b.Block.Line).ToList();

        Assert.True(unexplained.Count == 0, $"README.md shell blocks skipped without a reason ('<!-- readme-run: skip: REASON -->'): lines {string.Join(", ", unexplained)}");
        Assert.True(skips.Count <= 3, $"README.md skips {skips.Count} bash blocks (lines {string.Join(", ", skips.Select(b => b.Block.Line))}); run them against a fixture instead");
    }

    [Fact]
    public void FixtureBlocks_StartWhatTheirFixtureStarts()
    {
        // The fixtures run the built dll of what these commands build and run, with no arguments: README's defaults.
        var commands = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ReadmeRunMarker.Embedded] = "dotnet run --project src/Silo",
            [ReadmeRunMarker.Shop] = "dotnet run --project samples/Shop",
        };
        var fixtures = ReadmeRunMarker.ShellBlocks().Where(b => b.Marker?.Kind == ReadmeRunMarker.Fixture).ToList();

        Assert.Equal([ReadmeRunMarker.Embedded, ReadmeRunMarker.Shop], fixtures.Select(b => FixtureName(b.Marker!)).Order(StringComparer.Ordinal));
        foreach (var (block, marker) in fixtures)
        {
            var first = block.Text.Split('\n')[0];
            var command = first.Split('#')[0].Trim();
            var name = FixtureName(marker!);
            Assert.True(command == commands[name], $"README.md line {block.Line}: the '{name}' fixture starts '{commands[name]}', but the block's first command is '{command}'");
        }
    }

    // 'fixture: embedded (what else the block does)': the first word names the fixture.
    private static string FixtureName(ReadmeRunMarker marker) => marker.Detail.Split(' ')[0];
}
