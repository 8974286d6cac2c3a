namespace CacheCluster.Tests.EndToEnd;

/// <summary>Runs the real <c>cachecluster</c> CLI as an OS process, the way a script would.</summary>
public static class CliRunner
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A connect timeout well above the CLI's 10 s default: on a busy two-core machine a healthy connect can take
    /// several seconds, and a slow start must not pass for an unreachable cluster (exit 3).
    /// </summary>
    public static IReadOnlyList<string> PatientConnect { get; } = ["--connect-timeout", "30"];

    /// <summary>Runs <c>cachecluster <paramref name="arguments"/></c> to completion; kills it and throws after <see cref="Timeout"/>.</summary>
    public static Task<ProcessResult> RunAsync(params string[] arguments) =>
        ChildProcesses.RunAsync(BuiltPrograms.Cli, arguments, Timeout);

    /// <summary>Runs <c>cachecluster <paramref name="arguments"/></c> with <paramref name="environment"/> set, and <paramref name="standardInput"/> as stdin when given.</summary>
    public static Task<ProcessResult> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, byte[]? standardInput = null) =>
        ChildProcesses.RunAsync(BuiltPrograms.Cli, arguments, Timeout, environment, standardInput);
}
