using System.Diagnostics;
using CacheCluster.Tests.EndToEnd;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// A real varnishd on a free loopback port, in front of a backend port, running the repository's VCL
/// (scripts/varnish/cachecluster.vcl). A missing varnishd fails the tests loudly: they are never skipped.
/// </summary>
public sealed class VarnishServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

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

        var directory = Directory.CreateTempSubdirectory("cachecluster-varnish-").FullName;

        // varnishd drops privileges to its own user before it reads the VCL.
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var vcl = await File.ReadAllTextAsync(Path.Combine(BuiltPrograms.SolutionDirectory, "scripts", "varnish", "cachecluster.vcl"));
        var vclPath = Path.Combine(directory, "cachecluster.vcl");
        await File.WriteAllTextAsync(vclPath, vcl.Replace(".port = \"5080\";", $".port = \"{backendPort}\";", StringComparison.Ordinal));
        var port = RedisServer.FreePort();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-F", "-a", $"127.0.0.1:{port}", "-f", vclPath, "-n", Path.Combine(directory, "work"), "-s", "malloc,32m", "-T", "none" })
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
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException(
            $"varnishd exited before it was ready:{Environment.NewLine}{string.Join(Environment.NewLine, output)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"varnishd was not ready within 60 s:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }

        return new VarnishServer(process, directory, port);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
