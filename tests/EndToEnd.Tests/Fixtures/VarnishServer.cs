using System.Diagnostics;
using CacheCluster.Tests.EndToEnd;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// A real varnishd on a free loopback port (picked again when it was taken before varnishd bound it), in front of a
/// backend port, running the repository's VCL (scripts/varnish/cachecluster.vcl). A missing varnishd fails the tests
/// loudly: they are never skipped. The process and its directory are tracked by <see cref="TestProcesses"/> from the
/// start, and gone on every failing path.
/// </summary>
public sealed class VarnishServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _directory;
    private int _disposed;

    private VarnishServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static async Task<VarnishServer> StartAsync(int backendPort)
    {
        var executable = new[] { "/usr/sbin/varnishd", "/usr/local/sbin/varnishd" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "varnishd was not found. The Varnish tests need it and are never skipped: run ./test.sh, which installs it (apt-get install varnish).");

        var directory = TestProcesses.CreateDirectory("cachecluster-varnish-");
        try
        {
            // varnishd drops privileges to its own user before it reads the VCL.
            File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            var vcl = await File.ReadAllTextAsync(Path.Combine(BuiltPrograms.SolutionDirectory, "scripts", "varnish", "cachecluster.vcl"));
            var vclPath = Path.Combine(directory, "cachecluster.vcl");
            await File.WriteAllTextAsync(vclPath, vcl.Replace(".port = \"5080\";", $".port = \"{backendPort}\";", StringComparison.Ordinal));
            for (var attempt = 1; ; attempt++)
            {
                var port = LoopbackPorts.Next();
                try
                {
                    return new VarnishServer(await LaunchAsync(executable, port, vclPath, Path.Combine(directory, "work")), directory, port);
                }
                catch (PortInUseException) when (attempt < LoopbackPorts.FreshAttempts)
                {
                }
            }
        }
        catch
        {
            TestProcesses.DeleteDirectory(directory);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await TestProcesses.ReleaseAsync(_process);
        }
        finally
        {
            TestProcesses.DeleteDirectory(_directory);
        }
    }

    /// <summary>
    /// Starts varnishd in the foreground and returns once its child runs; throws <see cref="PortInUseException"/> when
    /// it exited because its port was taken. A varnishd that is not ready is gone when this throws.
    /// </summary>
    private static async Task<Process> LaunchAsync(string executable, int port, string vclPath, string workDirectory)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-F", "-a", $"127.0.0.1:{port}", "-f", vclPath, "-n", workDirectory, "-s", "malloc,32m", "-T", "none" })
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
                if (line.Contains("Child starts", StringComparison.Ordinal) || line.Contains("Child launched OK", StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        TestProcesses.Start(process);
        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            // Exited and its output read to the end, or ready, whichever comes first.
            var exited = process.WaitForExitAsync();
            if (await Task.WhenAny(ready.Task, exited).WaitAsync(ReadyTimeout, TimeProvider.System) != ready.Task)
            {
                var said = string.Join(Environment.NewLine, output);
                throw LoopbackPorts.SaysAddressInUse(said)
                    ? new PortInUseException($"varnishd could not bind port {port}:{Environment.NewLine}{said}")
                    : new InvalidOperationException($"varnishd exited before it was ready:{Environment.NewLine}{said}");
            }

            return process;
        }
        catch (TimeoutException)
        {
            await TestProcesses.ReleaseAsync(process);
            throw new InvalidOperationException($"varnishd was not ready within {ReadyTimeout.TotalSeconds} s:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }
        catch
        {
            await TestProcesses.ReleaseAsync(process);
            throw;
        }
    }
}
