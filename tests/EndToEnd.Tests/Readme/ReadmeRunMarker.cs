namespace CacheCluster.Tests.Readme;

/// <summary>
/// How the tests run one README shell block (<c>bash</c>, or a <c>console</c> transcript), from the HTML comment on the line right above its fence (invisible on
/// GitHub): <c>&lt;!-- readme-run: KIND --&gt;</c> or <c>&lt;!-- readme-run: KIND: DETAIL --&gt;</c>.
/// </summary>
/// <param name="Kind">
/// <c>embedded</c>: against one embedded silo on the default ports (5080, 30000, 11111), after the earlier embedded blocks
/// in the same shell; <c>shop</c>: against the sample shop with its own silo (5100), after the earlier shop blocks;
/// <c>none</c>: on its own, needing nothing running; <c>fixture</c>: the foreground command (until Ctrl-C) that the
/// fixture named by the detail starts from the built program; <c>skip</c>: not run, for the reason in the detail.
/// </param>
/// <param name="Detail">The fixture's name for <c>fixture</c>, the reason for <c>skip</c>; else empty.</param>
internal sealed record ReadmeRunMarker(string Kind, string Detail)
{
    public const string Embedded = "embedded";
    public const string Shop = "shop";
    public const string None = "none";
    public const string Fixture = "fixture";
    public const string Skip = "skip";

    private const string Prefix = "<!-- readme-run:";
    private const string Suffix = "-->";

    /// <summary>Gets the kinds a marker may name.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [Embedded, Shop, None, Fixture, Skip];

    /// <summary>Gets the languages of the shell blocks that carry markers.</summary>
    public static IReadOnlyList<string> ShellLanguages { get; } = ["bash", "console"];

    /// <summary>Every shell block of README.md with its marker, or <see langword="null"/> when the line above has none.</summary>
    /// <returns>The blocks in README order.</returns>
    public static IReadOnlyList<(ReadmeBlock Block, ReadmeRunMarker? Marker)> ShellBlocks()
    {
        var lines = File.ReadAllLines(ReadmeBlock.ReadmePath);
        return ReadmeBlock.ReadAll()
            .Where(b => ShellLanguages.Contains(b.Language))
            .Select(b => (b, b.Line >= 2 ? Parse(lines[b.Line - 2]) : null))
            .ToList();
    }

    /// <summary>The shell blocks marked <paramref name="kind"/>, in README order.</summary>
    /// <param name="kind">One of <see cref="Kinds"/>.</param>
    /// <returns>The blocks.</returns>
    public static IReadOnlyList<ReadmeBlock> Blocks(string kind) =>
        ShellBlocks().Where(b => b.Marker?.Kind == kind).Select(b => b.Block).ToList();

    /// <summary>Reads a marker line; <see langword="null"/> when the line is not one.</summary>
    /// <param name="line">The line above a fence.</param>
    /// <returns>The marker.</returns>
    public static ReadmeRunMarker? Parse(string line)
    {
        var text = line.Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal) || !text.EndsWith(Suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var body = text[Prefix.Length..^Suffix.Length].Trim();
        var colon = body.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? new ReadmeRunMarker(body, string.Empty)
            : new ReadmeRunMarker(body[..colon].Trim(), body[(colon + 1)..].Trim());
    }
}
