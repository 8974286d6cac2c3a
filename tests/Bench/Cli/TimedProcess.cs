using System.Diagnostics;

namespace CacheCluster.Bench.Cli;

/// <summary>Runs a program to its end and measures its wall time, from just before the start to the exit.</summary>
internal static class TimedProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static async Task<(int ExitCode, string Output, string Error, TimeSpan Elapsed)> RunAsync(TimeProvider clock, string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var started = clock.GetTimestamp();
        using var process = Process.Start(start) ?? throw new BenchFailureException($"could not start {fileName}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new BenchFailureException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish in {Timeout.TotalSeconds:0} s");
        }

        var elapsed = clock.GetElapsedTime(started);
        return (process.ExitCode, await output, await error, elapsed);
    }
}
