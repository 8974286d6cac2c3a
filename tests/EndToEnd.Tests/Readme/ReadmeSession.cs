using System.Text;
using System.Text.RegularExpressions;

namespace CacheCluster.Tests.Readme;

/// <summary>
/// README shell blocks as one shell session, in README order, as a newcomer types them into one terminal. A bash block
/// runs as written under <c>bash -e</c>. A console transcript's commands (its <c>$ </c> lines) run as written one by
/// one, each with its stderr in its output and never ending the session (a transcript shows failures too); each line
/// the transcript shows must then be a line of the command's output, numbers aside (versions, counts and times differ
/// from run to run), and <c>...</c> stands for lines left out.
/// </summary>
internal sealed partial class ReadmeSession
{
    private const string BlockMark = "::readme-block ";
    private const string CommandMark = "::readme-command ";
    private const string EndMark = "::readme-end";

    private readonly IReadOnlyList<ReadmeBlock> _blocks;
    private readonly List<(string Label, string Command, IReadOnlyList<string> Shown)> _commands = [];

    public ReadmeSession(IReadOnlyList<ReadmeBlock> blocks)
    {
        _blocks = blocks;
        var script = new StringBuilder();
        foreach (var block in blocks)
        {
            script.Append("printf '\\n").Append(BlockMark).Append(block.Line).Append("\\n'\n");
            if (block.Language == "console")
            {
                AppendTranscript(script, block);
            }
            else
            {
                script.Append(block.Text).Append('\n');
            }
        }

        script.Append("printf '\\n").Append(EndMark).Append("\\n'\n");
        Script = script.ToString();
    }

    /// <summary>Gets the session as one bash -e script.</summary>
    public string Script { get; }

    /// <summary>What went wrong in <paramref name="result"/>: empty when every block ran and every transcript matched.</summary>
    /// <param name="result">How the session's script ended.</param>
    /// <returns>One message per problem.</returns>
    public IReadOnlyList<string> Problems(ReadmeShellResult result)
    {
        var lines = result.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (result.ExitCode != 0 || !lines.Contains(EndMark))
        {
            var started = lines.LastOrDefault(l => l.StartsWith(BlockMark, StringComparison.Ordinal)) ?? "(none started)";
            return [$"README.md blocks at lines {string.Join(", ", _blocks.Select(b => b.Line))}: the last one started was {started}; {result}"];
        }

        var problems = new List<string>();
        foreach (var (label, command, shown) in _commands)
        {
            var output = CommandOutput(lines, label);
            var got = output.Select(Normalize).ToHashSet(StringComparer.Ordinal);
            var missing = shown.Where(l => l.Trim() is not ("..." or "") && !got.Contains(Normalize(l))).ToList();
            if (missing.Count > 0)
            {
                problems.Add($"README.md {label}: '$ {command}' shows\n  {string.Join("\n  ", missing)}\nbut printed\n  {string.Join("\n  ", output)}");
            }
        }

        return problems;
    }

    private void AppendTranscript(StringBuilder script, ReadmeBlock block)
    {
        var lines = block.Text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("$ ", StringComparison.Ordinal))
            {
                continue;
            }

            var command = lines[i][2..];
            var shown = lines.Skip(i + 1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal)).ToList();
            var label = $"line {block.Line + 1 + i}";
            _commands.Add((label, command, shown));
            script.Append("printf '\\n").Append(CommandMark).Append(label).Append("\\n'\n");
            script.Append("{ ").Append(command).Append("\n} 2>&1 || true\n");
        }
    }

    private static List<string> CommandOutput(List<string> lines, string label)
    {
        var start = lines.IndexOf(CommandMark + label);
        return lines.Skip(start + 1)
            .TakeWhile(l => !l.StartsWith(CommandMark, StringComparison.Ordinal) && !l.StartsWith(BlockMark, StringComparison.Ordinal) && l != EndMark)
            .Where(l => l.Length > 0)
            .ToList();
    }

    private static string Normalize(string line) => Digits().Replace(line.Trim(), "#");

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
