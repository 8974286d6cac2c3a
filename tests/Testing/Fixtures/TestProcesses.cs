using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// Every process and temporary directory the tests start or create (silos, CLIs, load clients, redis-server, varnishd),
/// tracked from the moment it exists until it is released, so that whatever a failing test leaves behind is killed and
/// deleted when the test host exits. Owners still stop and delete their own on every path; this is the last resort.
/// </summary>
public static class TestProcesses
{
    private static readonly ConcurrentDictionary<Process, byte> LiveProcesses = new();
    private static readonly ConcurrentDictionary<string, byte> LiveDirectories = new(StringComparer.Ordinal);

    static TestProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => CleanUpAll();

    /// <summary>Starts <paramref name="start"/> and tracks the process; throws when it does not start.</summary>
    public static Process Start(ProcessStartInfo start)
    {
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        return Start(process);
    }

    /// <summary>Starts <paramref name="process"/> (its handlers already attached) and tracks it; disposes it when it does not start.</summary>
    public static Process Start(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"{process.StartInfo.FileName} did not start.");
            }
        }
        catch
        {
            process.Dispose();
            throw;
        }

        LiveProcesses.TryAdd(process, 0);
        return process;
    }

    /// <summary>Kills the process and its children at once (SIGKILL) and waits for it to be gone.</summary>
    public static async Task KillAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        Kill(process);
        await process.WaitForExitAsync();
    }

    /// <summary>Kills the process if it still runs, stops tracking it and disposes it.</summary>
    public static async Task ReleaseAsync(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            await KillAsync(process);
        }
        finally
        {
            Forget(process);
        }
    }

    /// <summary>Stops tracking a process that has exited (its owner made sure), and disposes it.</summary>
    public static void Forget(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        LiveProcesses.TryRemove(process, out _);
        process.Dispose();
    }

    /// <summary>Creates a temporary directory, deleted at exit unless <see cref="DeleteDirectory"/> deletes it first.</summary>
    public static string CreateDirectory(string prefix)
    {
        var directory = Directory.CreateTempSubdirectory(prefix).FullName;
        LiveDirectories.TryAdd(directory, 0);
        return directory;
    }

    /// <summary>Deletes a directory made by <see cref="CreateDirectory"/>, as far as the test user may.</summary>
    public static void DeleteDirectory(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // varnishd's worker writes as its own user; what the test user cannot delete, the OS's tmp cleanup will.
        }

        LiveDirectories.TryRemove(directory, out _);
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Exited meanwhile, or never started.
        }
    }

    private static void CleanUpAll()
    {
        foreach (var process in LiveProcesses.Keys)
        {
            Kill(process);
        }

        foreach (var process in LiveProcesses.Keys)
        {
            try
            {
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or SystemException)
            {
            }
        }

        foreach (var directory in LiveDirectories.Keys)
        {
            DeleteDirectory(directory);
        }
    }
}
