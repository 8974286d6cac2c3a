using System.Diagnostics;

namespace CacheCluster.Tests.Readme;

/// <summary>
/// README's three-silo Redis block, run exactly as written by bash -e from the repository's root: Redis, three silos
/// that stay up (each on its own HTTP address), a write through one gateway read back through another, and a clean stop.
/// </summary>
[Collection(ReadmeRunCollection.Name)]
public sealed class ReadmeRunTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task ThreeSiloRedisBlock_RunsAsWritten()
    {
        var block = ReadmeBlock.ReadAll().Single(b => b.Language == "bash" && b.Text.Contains("three silos do not build over each other", StringComparison.Ordinal));
        var root = Path.GetDirectoryName(ReadmeBlock.ReadmePath)!;
        var start = new ProcessStartInfo("bash", ["-e", "-c", block.Text])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using var bash = Process.Start(start)!;
        var stdout = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(Bound);
            await bash.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!bash.HasExited)
            {
                bash.Kill(entireProcessTree: true);
            }

            // A run that failed half-way leaves its background silos (bash no longer owns them) and the daemonized
            // redis-server: stop exactly those, by the command lines the block gave them.
            using var silos = Process.Start(new ProcessStartInfo("pkill", ["-f", "CacheCluster.Silo.dll --CacheCluster:Redis=127.0.0.1:6379 "]))!;
            await silos.WaitForExitAsync();
            using var shutdown = Process.Start(new ProcessStartInfo("redis-cli", ["-p", "6379", "shutdown", "nosave"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            await shutdown.WaitForExitAsync();
        }

        var output = await stdout;
        var errors = await stderr;
        Assert.True(bash.ExitCode == 0, $"README.md line {block.Line}: exit {bash.ExitCode}\nstdout:\n{output}\nstderr:\n{errors}");
        var lines = output.Split('\n');
        Assert.True(lines.Any(l => l.StartsWith("OK version=", StringComparison.Ordinal)) && lines.Contains("hello"), $"README.md line {block.Line}: no 'OK version=' and 'hello' lines\nstdout:\n{output}\nstderr:\n{errors}");
    }
}
