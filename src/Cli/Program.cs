using System.CommandLine;
using System.CommandLine.Invocation;
using CacheCluster;
using CacheCluster.Cli;
using CacheCluster.Cli.Commands;
using CacheCluster.Cli.Connection;

var connectionOptions = new ConnectionOptions();
var connection = new ClusterConnection(connectionOptions);
var root = new RootCommand("Reads and writes a CacheCluster. Exit codes: 0 done, 1 no (missing, condition not met, version conflict), 2 usage, 3 cluster unreachable, 130 interrupted.")
{
    ValueCommands.Get(connection),
    SetCommand.Create(connection),
    KeyCommands.Delete(connection),
    KeyCommands.Exists(connection),
    ValueCommands.Increment(connection),
    KeyCommands.TimeToLive(connection),
    KeyCommands.Info(connection),
    ScanCommands.Keys(connection),
    ScanCommands.Scan(connection),
    ExpiryCommands.Expire(connection),
    ExpiryCommands.Persist(connection),
    ExpiryCommands.Touch(connection),
    ListCommands.Push(connection, ListEnd.Head),
    ListCommands.Push(connection, ListEnd.Tail),
    ListCommands.Range(connection),
    ListCommands.Length(connection),
    ListCommands.Remove(connection),
    ListCommands.Trim(connection),
    InvalidateCommand.Create(connection),
    PublishCommand.Create(connection),
    RateLimitCommand.Create(connection),
    PopulateCommand.Create(connection),
    StampedeCommand.Create(connection),
};
connectionOptions.AddTo(root);

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
