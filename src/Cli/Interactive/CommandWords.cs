using System.Text;

namespace CacheCluster.Cli.Interactive;

/// <summary>Splits an interactive line into words as a shell would, without expansions: blanks separate, quotes group.</summary>
internal static class CommandWords
{
    /// <summary>
    /// Returns the words of <paramref name="line"/>: <c>'...'</c> keeps everything as it is, <c>"..."</c> allows
    /// <c>\"</c> and <c>\\</c>, and a backslash outside quotes escapes the next character. <see langword="null"/> when a
    /// quote is not closed.
    /// </summary>
    public static List<string>? Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c == '\'' || c == '"')
            {
                var end = i + 1;
                for (; end < line.Length && line[end] != c; end++)
                {
                    if (c == '"' && line[end] == '\\' && end + 1 < line.Length && line[end + 1] is '"' or '\\')
                    {
                        end++;
                    }

                    word.Append(line[end]);
                }

                if (end >= line.Length)
                {
                    return null;
                }

                i = end;
            }
            else if (c == '\\' && i + 1 < line.Length)
            {
                word.Append(line[++i]);
            }
            else
            {
                word.Append(c);
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
