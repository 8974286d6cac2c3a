namespace CacheCluster.Tests.Readme;

/// <summary>One fenced code block of README.md.</summary>
/// <param name="Language">The fence's info string, such as <c>csharp</c> or <c>bash</c>; empty for none.</param>
/// <param name="Line">The 1-based line of the opening fence.</param>
/// <param name="Text">The block's text, without the fences.</param>
internal sealed record ReadmeBlock(string Language, int Line, string Text)
{
    /// <summary>Gets README.md's path, found from the test's output directory upwards.</summary>
    public static string ReadmePath { get; } = FindReadme();

    /// <summary>Reads every fenced block of README.md.</summary>
    /// <returns>The blocks, in order.</returns>
    public static IReadOnlyList<ReadmeBlock> ReadAll()
    {
        var lines = File.ReadAllLines(ReadmePath);
        var blocks = new List<ReadmeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var language = lines[i][3..].Trim();
            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
            {
                body.Add(lines[i]);
            }

            if (i == lines.Length)
            {
                throw new InvalidOperationException($"README.md line {start + 1}: the code block is never closed.");
            }

            blocks.Add(new ReadmeBlock(language, start + 1, string.Join('\n', body)));
        }

        return blocks;
    }

    /// <summary>The blocks of one language, as xunit theory data of their line numbers.</summary>
    /// <param name="language">The fence's info string.</param>
    /// <returns>The line numbers.</returns>
    public static TheoryData<int> Lines(string language)
    {
        var data = new TheoryData<int>();
        foreach (var block in ReadAll().Where(b => b.Language == language))
        {
            data.Add(block.Line);
        }

        return data;
    }

    /// <summary>The block opening at <paramref name="line"/>.</summary>
    /// <param name="line">The opening fence's line.</param>
    /// <returns>The block.</returns>
    public static ReadmeBlock At(int line) => ReadAll().Single(b => b.Line == line);

    private static string FindReadme()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CacheCluster.sln")))
            {
                return Path.Combine(dir.FullName, "README.md");
            }
        }

        throw new InvalidOperationException($"No CacheCluster.sln above {AppContext.BaseDirectory}.");
    }
}
