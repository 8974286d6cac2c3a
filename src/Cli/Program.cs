using System.CommandLine;
using CacheCluster;
using CacheCluster.Cli;
using CacheCluster.Cli.Commands;
using CacheCluster.Cli.Connection;
using CacheCluster.Cli.Connection.Http;
using CacheCluster.Cli.Interactive;

var connectionOptions = new ConnectionOptions();
await using var connection = new ClusterConnection(connectionOptions);
var root = new RootCommand(
    "Reads and writes a CacheCluster. Exit codes: 0 done, 1 no (missing, condition not met, version conflict), 2 usage, 3 cluster unreachable, 130 interrupted. " +
    $"Transport: get, mget, set, mset, del, exists, incr, expire, touch, invalidate and ratelimit talk to a silo's HTTP API (--url, default {ConnectionOptions.DefaultUrl}) " +
    "unless --gateway or --redis (or their variables) name the Orleans gateway; cluster, stats, hotkeys and slowlog need the HTTP API; the other commands always use the gateway. " +
    "With no command and stdin a terminal (or with -i), an interactive session starts.")
{
    ValueCommands.Get(connection),
    BatchCommands.Get(connection),
    BatchCommands.Set(connection),
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
    ClusterCommands.Cluster(connection),
    ClusterCommands.Stats(connection),
    ClusterCommands.HotKeys(connection),
    ClusterCommands.SlowLog(connection),
};
connectionOptions.AddTo(root);
foreach (var command in root.Subcommands.Where(command => !HttpCommands.Serves(command.Name)))
{
    command.Description += " [always over the Orleans gateway]";
}

var interactive = new Option<bool>("--interactive", "-i") { Description = "Start an interactive session (the default with no command when stdin is a terminal)" };
root.Options.Add(interactive);
root.SetAction(async (parse, cancellationToken) =>
{
    if (InteractiveShell.Running)
    {
        Console.Error.WriteLine("cachecluster: this is already an interactive session; type a command, help, or quit.");
        return ExitCodes.Usage;
    }

    if (!parse.GetValue(interactive) && Console.IsInputRedirected)
    {
        Console.Error.WriteLine("cachecluster: no command given; run 'cachecluster --help' for the commands, or 'cachecluster -i' to read them from stdin.");
        return ExitCodes.Usage;
    }

    if (connectionOptions.Check(parse) is { } usage)
    {
        Console.Error.WriteLine($"cachecluster: {usage}");
        return ExitCodes.Usage;
    }

    // Each line runs with the connection options the session was started with.
    var connectionArguments = args.Where(argument => argument is not ("-i" or "--interactive")).ToList();
    return await new InteractiveShell(root, connection, connectionArguments, connectionOptions.DescribeTarget(parse)).RunAsync();
});

return await CommandInvocation.RunAsync(root, args);
