using System.Runtime.InteropServices;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// Freezes a process with SIGSTOP and lets it run again with SIGCONT: its sockets stay open and nothing answers, as
/// with a process stuck in a long GC pause or swapped out. Disposing resumes it, so a failing test leaves nothing frozen.
/// </summary>
internal sealed class ProcessFreeze : IDisposable
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly int _processId;
    private int _frozen;

    private ProcessFreeze(int processId) => _processId = processId;

    /// <summary>Freezes process <paramref name="processId"/> now.</summary>
    public static ProcessFreeze Start(int processId)
    {
        var freeze = new ProcessFreeze(processId);
        Send(processId, SigStop);
        freeze._frozen = 1;
        return freeze;
    }

    /// <summary>Lets the process run again; once only.</summary>
    public void Resume()
    {
        if (Interlocked.Exchange(ref _frozen, 0) == 1)
        {
            Send(_processId, SigCont);
        }
    }

    public void Dispose()
    {
        // The process may have been killed meanwhile: nothing to resume then.
        if (Interlocked.Exchange(ref _frozen, 0) == 1)
        {
            _ = SendSignal(_processId, SigCont);
        }
    }

    private static void Send(int processId, int signal)
    {
        if (SendSignal(processId, signal) != 0)
        {
            throw new InvalidOperationException($"kill({processId}, {signal}) failed: {Marshal.GetLastPInvokeError()}.");
        }
    }

    // DllImport, not LibraryImport: the generated marshalling would need AllowUnsafeBlocks for the whole test project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendSignal(int pid, int signal);
}
