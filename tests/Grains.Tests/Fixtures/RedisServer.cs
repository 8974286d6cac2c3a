using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// A real redis-server on a free loopback port, started and stopped by the tests themselves.
/// A missing or failing redis-server fails the tests loudly: they are never skipped.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _executable;
    private readonly string _directory;
    private readonly bool _appendOnly;
    private Process _process;
    private int _disposed;

    private RedisServer(Process process, string executable, string directory, bool appendOnly, int port, ConnectionMultiplexer connection)
    {
        _process = process;
        _executable = executable;
        _directory = directory;
        _appendOnly = appendOnly;
        Port = port;
        Connection = connection;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public ConnectionMultiplexer Connection { get; }

    /// <summary>Gets a value indicating whether the redis-server process is running (it may have been stopped).</summary>
    public bool IsRunning => !_process.HasExited;

    public static async Task<RedisServer> StartAsync(bool appendOnly = false)
    {
        var executable = FindExecutable()
            ?? throw new InvalidOperationException(
                "redis-server was not found on PATH. The Redis-backed tests need it and are never skipped: run ./test.sh, which installs it (apt-get install redis-server).");

        var directory = Directory.CreateTempSubdirectory("cachecluster-redis-").FullName;
        var port = FreePort();
        var process = await LaunchAsync(executable, port, directory, appendOnly);
        var connection = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},abortConnect=true,connectTimeout=5000");
        return new RedisServer(process, executable, directory, appendOnly, port, connection);
    }

    /// <summary>Stops redis-server gracefully (SIGTERM: with append-only on, it syncs the AOF first) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            EndToEnd.ChildProcesses.Terminate(_process);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Starts redis-server again after <see cref="StopAsync"/>, on the same port with the same data directory.</summary>
    public async Task RestartAsync()
    {
        if (!_process.HasExited)
        {
            throw new InvalidOperationException($"redis-server on port {Port} is still running.");
        }

        _process.Dispose();
        _process = await LaunchAsync(_executable, Port, _directory, _appendOnly);
    }

    private static async Task<Process> LaunchAsync(string executable, int port, string directory, bool appendOnly)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty,
            "--appendonly", appendOnly ? "yes" : "no", "--dir", directory, "--daemonize", "no", "--protected-mode", "yes",
        })
        {
            start.ArgumentList.Add(argument);
        }

        // Armed before the start: redis-server prints this line once it accepts connections.
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
                if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                output.Enqueue(line);
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException(
            $"redis-server exited on port {port} before it was ready:{Environment.NewLine}{string.Join(Environment.NewLine, output)}"));
        if (!process.Start())
        {
            throw new InvalidOperationException("redis-server did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"redis-server on port {port} was not ready within 30 s:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }

        return process;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await Connection.DisposeAsync();
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
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/local/bin")
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
}
