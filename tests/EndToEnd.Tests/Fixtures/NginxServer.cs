using System.Diagnostics;
using CacheCluster.Tests.EndToEnd;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// A real nginx (Debian's /usr/sbin/nginx) on a free loopback port (picked again when it was taken), in front of a
/// backend port, running the repository's scripts/nginx/cachecluster.conf inside a main configuration of its own: pid,
/// temp, cache and log paths all under a temporary directory, the error log given with <c>-e</c>, run as the test
/// user. A missing nginx fails the tests loudly: they are never skipped. The process and its directory are tracked by
/// <see cref="TestProcesses"/> from the start, and gone on every failing path.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _directory;
    private int _disposed;

    private NginxServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public static async Task<NginxServer> StartAsync(int backendPort)
    {
        var executable = new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "nginx was not found. The nginx tests need it and are never skipped: run ./test.sh, which installs it (apt-get install nginx).");

        var directory = TestProcesses.CreateDirectory("cachecluster-nginx-");
        try
        {
            var site = await File.ReadAllTextAsync(Path.Combine(BuiltPrograms.SolutionDirectory, "scripts", "nginx", "cachecluster.conf"));
            for (var attempt = 1; ; attempt++)
            {
                var port = LoopbackPorts.Next();
                var conf = WriteConfiguration(directory, site, port, backendPort);
                try
                {
                    return new NginxServer(await LaunchAsync(executable, directory, conf), directory, port);
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

    /// <summary>The main configuration: everything nginx writes stays in <paramref name="directory"/>; the repository's file is the http block's content.</summary>
    private static string WriteConfiguration(string directory, string site, int port, int backendPort)
    {
        string Replace(string text, string from, string to) =>
            text.Contains(from, StringComparison.Ordinal) ? text.Replace(from, to, StringComparison.Ordinal)
                : throw new InvalidOperationException($"scripts/nginx/cachecluster.conf no longer contains '{from}', which the nginx tests replace.");

        site = Replace(site, "/var/cache/nginx/cachecluster", Path.Combine(directory, "cache"));
        site = Replace(site, "listen 127.0.0.1:8080;", $"listen 127.0.0.1:{port};");
        site = Replace(site, "server 127.0.0.1:5080;", $"server 127.0.0.1:{backendPort};");
        File.WriteAllText(Path.Combine(directory, "cachecluster.conf"), site);

        // Run as root (the test user in CI containers), nginx would switch its workers to 'nobody'; keep them as root.
        var user = Environment.UserName == "root" ? "user root;" : string.Empty;
        var main = $$"""
            {{user}}
            daemon off;
            master_process on;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log info;
            events { worker_connections 256; }
            http {
                access_log {{directory}}/access.log;
                client_body_temp_path {{directory}}/client_body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                include {{directory}}/cachecluster.conf;
            }
            """;
        var path = Path.Combine(directory, "nginx.conf");
        File.WriteAllText(path, main);
        File.Delete(Path.Combine(directory, "nginx.pid"));
        return path;
    }

    /// <summary>
    /// Starts nginx in the foreground and returns once it has written its pid file (after it bound its port); throws
    /// <see cref="PortInUseException"/> when it exited because its port was taken.
    /// </summary>
    private static async Task<Process> LaunchAsync(string executable, string directory, string conf)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-p", directory + "/", "-c", conf, "-e", Path.Combine(directory, "error.log") })
        {
            start.ArgumentList.Add(argument);
        }

        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        TestProcesses.Start(process);
        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var pidFile = Path.Combine(directory, "nginx.pid");
            var started = TimeProvider.System.GetTimestamp();
            while (!File.Exists(pidFile))
            {
                if (process.HasExited)
                {
                    await process.WaitForExitAsync();
                    var said = string.Join(Environment.NewLine, output) + Environment.NewLine + ReadLog(directory);
                    throw LoopbackPorts.SaysAddressInUse(said)
                        ? new PortInUseException($"nginx could not bind its port:{Environment.NewLine}{said}")
                        : new InvalidOperationException($"nginx exited before it was ready:{Environment.NewLine}{said}");
                }

                if (TimeProvider.System.GetElapsedTime(started) > ReadyTimeout)
                {
                    throw new InvalidOperationException($"nginx was not ready within {ReadyTimeout.TotalSeconds} s:{Environment.NewLine}{string.Join(Environment.NewLine, output)}{Environment.NewLine}{ReadLog(directory)}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
            }

            return process;
        }
        catch
        {
            await TestProcesses.ReleaseAsync(process);
            throw;
        }
    }

    private static string ReadLog(string directory)
    {
        var log = Path.Combine(directory, "error.log");
        return File.Exists(log) ? File.ReadAllText(log) : string.Empty;
    }
}
