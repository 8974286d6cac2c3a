using System.CommandLine;
using System.CommandLine.Invocation;

namespace CacheCluster.Cli;

/// <summary>Parses one command line and runs it: the one-shot mode's whole work, and each line of the interactive mode.</summary>
internal static class CommandInvocation
{
    public static async Task<int> RunAsync(RootCommand root, IReadOnlyList<string> args)
    {
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // The default action prints the whole help to stdout and exits 1; scripts get a short message and 2 instead.
            if (UnknownCommand.Describe(parse, root) is { } unknown)
            {
                Console.Error.WriteLine($"cachecluster: {unknown}");
                return ExitCodes.Usage;
            }

            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"cachecluster: {error.Message}");
            }

            Console.Error.WriteLine("Run 'cachecluster --help' or 'cachecluster COMMAND --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync();
    }
}
