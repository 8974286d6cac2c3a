using System.Diagnostics;
using System.Runtime.InteropServices;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Readme;

/// <summary>
/// Runs README shell text as a newcomer would, <c>bash -e -c TEXT</c> from the repository's root, in a session of its
/// own (<c>setsid</c>), so that whatever the text leaves running in the background (<c>dotnet run ... &amp;</c>) is
/// stopped afterwards by its process group: SIGTERM, then SIGKILL for what is still there.
/// </summary>
internal static class ReadmeShell
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the repository's root, README's directory.</summary>
    public static string Root { get; } = Path.GetDirectoryName(ReadmeBlock.ReadmePath)!;

    /// <summary>
    /// Runs <paramref name="text"/> to its end (or until <paramref name="bound"/>, then kills it), then stops what it
    /// left in its process group.
    /// </summary>
    /// <param name="text">The shell text.</param>
    /// <param name="bound">The longest it may run.</param>
    /// <returns>How it ended.</returns>
    public static async Task<ReadmeShellResult> RunAsync(string text, TimeSpan bound)
    {
        var start = new ProcessStartInfo("setsid", ["bash", "-e", "-c", text])
        {
            WorkingDirectory = Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // README's commands take their settings from what they say, not from the environment running the tests.
        foreach (var name in start.Environment.Keys.Where(IsInheritedSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        var process = TestProcesses.Start(start);
        var group = process.Id;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var exitCode = -1;
        var timedOut = false;
        try
        {
            try
            {
                await process.WaitForExitAsync().WaitAsync(bound, TimeProvider.System);
                exitCode = process.ExitCode;
            }
            catch (TimeoutException)
            {
                timedOut = true;
            }
        }
        finally
        {
            await StopGroupAsync(group);
            await TestProcesses.ReleaseAsync(process);
        }

        return new ReadmeShellResult(exitCode, timedOut, await stdout, await stderr);
    }

    private static async Task StopGroupAsync(int group)
    {
        if (SendSignal(-group, SigTerm) != 0)
        {
            return;
        }

        var start = TimeProvider.System.GetTimestamp();
        while (SendSignal(-group, 0) == 0)
        {
            if (TimeProvider.System.GetElapsedTime(start) > GracefulStop)
            {
                _ = SendSignal(-group, SigKill);
                return;
            }

            await Task.Delay(Poll, TimeProvider.System);
        }
    }

    private static bool IsInheritedSetting(string name) =>
        name.StartsWith("CACHECLUSTER_", StringComparison.Ordinal) ||
        name.StartsWith("CacheCluster__", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("SERedis_", StringComparison.OrdinalIgnoreCase);

    // DllImport, not LibraryImport: the generated marshalling would need AllowUnsafeBlocks for the whole test project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendSignal(int pid, int signal);
}
