using System.CommandLine;
using System.Globalization;
using CacheCluster.Cli.Commands;
using CacheCluster.Cli.Connection;

namespace CacheCluster.Cli.Interactive;

/// <summary>
/// The interactive mode, as redis-cli's: a prompt naming the target, one command per line with the same words, output
/// and messages as one-shot mode, on connections kept open for the whole session. <c>help</c>, <c>help COMMAND</c>,
/// <c>history</c>, and <c>quit</c>, <c>exit</c> or end of input (Ctrl-D) to leave. Line editing is what the terminal
/// gives <see cref="Console.ReadLine"/>; the history is kept in memory for the session.
/// </summary>
internal sealed class InteractiveShell(RootCommand root, ClusterConnection connection, IReadOnlyList<string> connectionArguments, string target)
{
    private readonly List<string> _history = [];

    /// <summary>Gets whether a session is running, so that a line cannot start another.</summary>
    public static bool Running { get; private set; }

    public async Task<int> RunAsync()
    {
        Running = true;
        connection.KeepOpen = true;

        // A value ends with a newline even into a pipe: the next prompt must start on its own line.
        StandardOutput.AlwaysEndValuesWithNewLine = true;
        try
        {
            while (true)
            {
                Console.Write($"cachecluster {target}> ");
                if (Console.ReadLine() is not { } line)
                {
                    Console.WriteLine();
                    return ExitCodes.Success;
                }

                if (CommandWords.Split(line) is not { } words)
                {
                    Console.Error.WriteLine("cachecluster: a quote is not closed.");
                    continue;
                }

                if (words.Count == 0)
                {
                    continue;
                }

                _history.Add(line.Trim());
                switch (words[0].ToLowerInvariant())
                {
                    case "quit" or "exit":
                        return ExitCodes.Success;
                    case "history":
                        for (var i = 0; i < _history.Count; i++)
                        {
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i + 1,5}  {_history[i]}"));
                        }

                        continue;
                    case "help":
                        await CommandInvocation.RunAsync(root, [.. words.Skip(1), "--help"]);
                        Console.WriteLine("In this session: help [COMMAND], history, quit or exit (or Ctrl-D).");
                        continue;
                    case "set" when words.Count >= 3 && words[2] == StandardInput.Marker:
                        Console.Error.WriteLine("cachecluster: 'set KEY -' reads the value from stdin, which holds this session's commands; pipe the value into a one-shot 'cachecluster set KEY -'.");
                        continue;
                }

                await CommandInvocation.RunAsync(root, [.. connectionArguments, .. words]);
            }
        }
        finally
        {
            Running = false;
            await connection.DisposeAsync();
        }
    }
}
