using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// Starts the built programs as <c>dotnet &lt;dll&gt;</c> child processes, tracked by <see cref="TestProcesses"/> so that
/// whatever a failing test leaves running is killed when the test host exits.
/// </summary>
internal static class ChildProcesses
{
    private const int SigTerm = 15;

    /// <summary>The dotnet host running the tests, so the children run on the same runtime.</summary>
    private static string DotnetHost { get; } =
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? path
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>
    /// Starts <c>dotnet <paramref name="assembly"/> <paramref name="arguments"/></c> with stdout and stderr redirected, and
    /// stdin closed unless <paramref name="keepStandardInput"/> (then the caller writes to it), and
    /// <paramref name="environment"/> added to a cleaned environment.
    /// </summary>
    public static Process Start(string assembly, IEnumerable<string> arguments, bool keepStandardInput = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly),
        };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only the arguments configure the programs: settings from the environment running the tests must not leak in,
        // nor StackExchange.Redis' process-wide trust settings (SERedis_IssuerCertPath) that a test may have set.
        foreach (var name in start.Environment.Keys.Where(IsInheritedSetting).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = TestProcesses.Start(start);
        if (!keepStandardInput)
        {
            process.StandardInput.Close();
        }

        return process;
    }

    /// <summary>
    /// Runs <c>dotnet <paramref name="assembly"/> <paramref name="arguments"/></c> to completion and captures its output
    /// exactly; kills it and throws <see cref="TimeoutException"/> after <paramref name="timeout"/>. The process reads
    /// <paramref name="standardInput"/> (then end of file) as stdin, and has <paramref name="environment"/> set.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string assembly, IReadOnlyList<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, byte[]? standardInput = null)
    {
        var program = Path.GetFileName(assembly);
        var process = Start(assembly, arguments, keepStandardInput: standardInput is not null, environment);
        try
        {
            // Whole streams, not lines, so that the output compares byte for byte, final newline or not.
            var stdout = ReadBytesAsync(process.StandardOutput.BaseStream);
            var stderr = process.StandardError.ReadToEndAsync();
            if (standardInput is not null)
            {
                await WriteAndCloseAsync(process, standardInput);
            }

            try
            {
                await Task.WhenAll(process.WaitForExitAsync(), stdout, stderr).WaitAsync(timeout, TimeProvider.System);
            }
            catch (TimeoutException)
            {
                await KillAsync(process);
                var partial = new ProcessResult(program, arguments, -1, Text(await stdout), await stderr);
                throw new TimeoutException($"Still running after {timeout.TotalSeconds} s, so killed: {partial}");
            }

            return new ProcessResult(program, arguments, process.ExitCode, Text(await stdout), await stderr) { StdoutBytes = await stdout };
        }
        finally
        {
            await ReleaseAsync(process);
        }
    }

    /// <summary>Sends SIGTERM, as a service manager or <c>docker stop</c> would.</summary>
    public static void Terminate(Process process)
    {
        if (SendSignal(process.Id, SigTerm) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (!process.HasExited)
            {
                throw new Win32Exception(error, $"kill({process.Id}, SIGTERM) failed.");
            }
        }
    }

    /// <summary>Kills the process and its children at once (SIGKILL) and waits for it to be gone.</summary>
    public static Task KillAsync(Process process) => TestProcesses.KillAsync(process);

    /// <summary>Kills the process if it still runs, stops tracking it, and releases it.</summary>
    public static Task ReleaseAsync(Process process) => TestProcesses.ReleaseAsync(process);

    /// <summary>Stops tracking a process that has exited, and releases it.</summary>
    public static void Release(Process process) => TestProcesses.Forget(process);

    private static async Task<byte[]> ReadBytesAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static async Task WriteAndCloseAsync(Process process, byte[] data)
    {
        // A program that stops reading early (it refused the input) closes the pipe: that is its answer, not a test failure.
        try
        {
            await process.StandardInput.BaseStream.WriteAsync(data);
            await process.StandardInput.BaseStream.FlushAsync();
        }
        catch (IOException)
        {
        }

        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
    }

    private static string Text(byte[] bytes) => Encoding.UTF8.GetString(bytes);

    // The CLI's own connection variables (CACHECLUSTER_GATEWAY, ...) too: a test sets the ones it means.
    private static bool IsInheritedSetting(string name) =>
        name.StartsWith("CACHECLUSTER_", StringComparison.Ordinal) ||
        name.StartsWith("CacheCluster__", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("CacheCluster:", StringComparison.OrdinalIgnoreCase) ||
        name.StartsWith("SERedis_", StringComparison.OrdinalIgnoreCase);

    // DllImport, not LibraryImport: the generated marshalling would need AllowUnsafeBlocks for the whole test project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendSignal(int pid, int signal);
}
