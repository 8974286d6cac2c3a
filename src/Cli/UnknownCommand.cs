using System.CommandLine;

namespace CacheCluster.Cli;

/// <summary>
/// Replaces System.CommandLine's report of a mistyped command ("Required command was not provided", then one
/// "Unrecognized command or argument" per word) with one line naming the closest command, as git does.
/// </summary>
internal static class UnknownCommand
{
    /// <summary>
    /// Returns the line for a parse whose first word is no command, or <see langword="null"/> when the errors are of
    /// another kind (a bad option or argument of a known command).
    /// </summary>
    public static string? Describe(ParseResult parse, RootCommand root)
    {
        // The root command takes no arguments, so a word left unmatched at the root is the command the user meant.
        if (parse.CommandResult.Command != root || parse.UnmatchedTokens.Count == 0 || parse.UnmatchedTokens[0].StartsWith('-'))
        {
            return null;
        }

        var typed = parse.UnmatchedTokens[0];
        return Closest(typed, root.Subcommands.Select(command => command.Name)) is { } name
            ? $"unknown command '{typed}'; did you mean '{name}'?"
            : $"unknown command '{typed}'; run 'cachecluster --help' for the commands.";
    }

    /// <summary>
    /// The name the typed word is a unique prefix of, else the nearest by edit distance (a swap of two neighbours counts
    /// as one edit) if it is near enough: at most one edit for words up to four letters, two beyond.
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> names)
    {
        var candidates = names.ToList();
        var lower = typed.ToLowerInvariant();
        if (candidates.Where(name => name.StartsWith(lower, StringComparison.Ordinal)).ToList() is [var only] && lower.Length >= 2)
        {
            return only;
        }

        var allowed = typed.Length <= 4 ? 1 : 2;
        return candidates
            .Select(name => (Name: name, Distance: Distance(lower, name)))
            .Where(candidate => candidate.Distance <= allowed)
            .OrderBy(candidate => candidate.Distance)
            .Select(candidate => candidate.Name)
            .FirstOrDefault();
    }

    /// <summary>The optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
