using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// A real redis-server on a free loopback port, started and stopped by the tests themselves.
/// A missing or failing redis-server fails the tests loudly: they are never skipped.
/// It can be stopped and started again on the same port and data directory (as a Redis restart), paused and resumed
/// (as a hung Redis), and run with a password and TLS.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    private readonly string _directory;
    private readonly IReadOnlyList<string> _arguments;
    private readonly string? _password;
    private readonly RedisTlsFiles? _tls;
    private Process _process;
    private int _disposed;

    private RedisServer(Process process, string directory, int port, IReadOnlyList<string> arguments, string? password, RedisTlsFiles? tls, ConnectionMultiplexer connection)
    {
        _process = process;
        _directory = directory;
        _arguments = arguments;
        _password = password;
        _tls = tls;
        Port = port;
        Connection = connection;
    }

    public int Port { get; }

    /// <summary>Gets the connection string a silo uses: endpoint, and the password and <c>ssl=true</c> when configured.</summary>
    public string ConnectionString =>
        $"127.0.0.1:{Port}" + (_password is null ? string.Empty : $",password={_password}") + (_tls is null ? string.Empty : ",ssl=true,sslHost=localhost");

    /// <summary>Gets the tests' own connection (it trusts the TLS certificate's issuer when TLS is on).</summary>
    public ConnectionMultiplexer Connection { get; }

    /// <summary>Gets a value indicating whether redis-server is running (not stopped; a paused one counts as running).</summary>
    public bool IsRunning => !_process.HasExited;

    public static Task<RedisServer> StartAsync(bool appendOnly = false) => StartAsync(appendOnly, password: null, tls: null);

    /// <summary>Starts redis-server, with <c>--requirepass</c> when <paramref name="password"/> is given and TLS only (no plaintext port) when <paramref name="tls"/> is.</summary>
    public static async Task<RedisServer> StartAsync(bool appendOnly, string? password, RedisTlsFiles? tls)
    {
        var directory = Directory.CreateTempSubdirectory("cachecluster-redis-").FullName;
        var port = FreePort();
        var portText = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        List<string> arguments =
        [
            .. tls is null ? new[] { "--port", portText } : ["--port", "0", "--tls-port", portText, "--tls-cert-file", tls.CertificatePath, "--tls-key-file", tls.KeyPath, "--tls-ca-cert-file", tls.CaCertificatePath, "--tls-auth-clients", "no"],
            "--bind", "127.0.0.1", "--save", string.Empty,
            "--appendonly", appendOnly ? "yes" : "no", "--dir", directory, "--daemonize", "no", "--protected-mode", "yes",
        ];
        if (password is not null)
        {
            arguments.AddRange(["--requirepass", password]);
        }

        var process = await LaunchAsync(port, arguments);
        var options = ConfigurationOptions.Parse($"127.0.0.1:{portText},abortConnect=true,connectTimeout=5000");
        options.Password = password;
        if (tls is not null)
        {
            options.Ssl = true;
            options.SslHost = "localhost";
            options.TrustIssuer(tls.CaCertificatePath);
        }

        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        return new RedisServer(process, directory, port, arguments, password, tls, connection);
    }

    /// <summary>Stops redis-server with SIGTERM (it finishes its append-only file first) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _ = SendSignal(_process.Id, SigTerm);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Starts redis-server again on the same port and data directory, and returns once it accepts connections.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        _process.Dispose();
        _process = await LaunchAsync(Port, _arguments);
    }

    /// <summary>Freezes redis-server (SIGSTOP): the connection stays open and nothing answers, as with a hung process.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>Lets a paused redis-server run again (SIGCONT).</summary>
    public void Resume() => Signal(SigCont);

    private void Signal(int signal)
    {
        if (SendSignal(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: {Marshal.GetLastPInvokeError()}.");
        }
    }

    private static async Task<Process> LaunchAsync(int port, IReadOnlyList<string> arguments)
    {
        var executable = FindExecutable()
            ?? throw new InvalidOperationException(
                "redis-server was not found on PATH. The Redis-backed tests need it and are never skipped: run ./test.sh, which installs it (apt-get install redis-server).");

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
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
            _ = SendSignal(_process.Id, SigCont);
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

    // DllImport, not LibraryImport: the generated marshalling would need AllowUnsafeBlocks for the whole test project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SendSignal(int pid, int signal);

    private static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/local/bin")
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);
}
