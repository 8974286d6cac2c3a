using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using StackExchange.Redis;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// A real redis-server on a free loopback port (started again on new ports when the picked one was taken), started and stopped by the tests themselves.
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
    private int _portHeldRetries;

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

    /// <summary>Gets how many times a restart found its port held by something else and tried again.</summary>
    public int PortHeldRetries => Volatile.Read(ref _portHeldRetries);

    /// <summary>Gets a value indicating whether redis-server is running (not stopped; a paused one counts as running).</summary>
    public bool IsRunning => !_process.HasExited;

    public static Task<RedisServer> StartAsync(bool appendOnly = false) => StartAsync(appendOnly, password: null, tls: null);

    /// <summary>
    /// Starts redis-server, with <c>--requirepass</c> when <paramref name="password"/> is given and TLS only (no plaintext
    /// port) when <paramref name="tls"/> is. A port taken before redis-server binds it means new ports and another start;
    /// whatever fails after the start (the tests' own connection) stops redis-server and deletes its directory.
    /// </summary>
    public static async Task<RedisServer> StartAsync(bool appendOnly, string? password, RedisTlsFiles? tls)
    {
        var directory = TestProcesses.CreateDirectory("cachecluster-redis-");
        Process? process = null;
        try
        {
            int port;
            List<string> arguments;
            for (var attempt = 1; ; attempt++)
            {
                port = LoopbackPorts.Next();
                arguments = Arguments(port, appendOnly, directory, password, tls);
                try
                {
                    process = await LaunchAsync(port, arguments);
                    break;
                }
                catch (PortInUseException) when (attempt < LoopbackPorts.FreshAttempts)
                {
                }
            }

            var options = ConfigurationOptions.Parse($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)},abortConnect=true,connectTimeout=5000");
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
        catch
        {
            if (process is not null)
            {
                await TestProcesses.ReleaseAsync(process);
            }

            TestProcesses.DeleteDirectory(directory);
            throw;
        }
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

    /// <summary>
    /// Starts redis-server again on the same port and data directory, and returns once it accepts connections. While
    /// something else holds the port (a client's socket in the way), it tries again, a bounded number of times.
    /// </summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        var stopped = _process;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _process = await LaunchAsync(Port, _arguments);
                await TestProcesses.ReleaseAsync(stopped);
                return;
            }
            catch (PortInUseException) when (attempt < LoopbackPorts.RestartAttempts)
            {
                Interlocked.Increment(ref _portHeldRetries);
                await Task.Delay(LoopbackPorts.RestartRetryDelay, TimeProvider.System);
            }
        }
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

    private static List<string> Arguments(int port, bool appendOnly, string directory, string? password, RedisTlsFiles? tls)
    {
        var portText = port.ToString(CultureInfo.InvariantCulture);
        List<string> arguments =
        [
            // --port 0 turns plain TCP off (redis-server cannot bind an ephemeral port and report it), so the port is picked.
            .. tls is null ? new[] { "--port", portText } : ["--port", "0", "--tls-port", portText, "--tls-cert-file", tls.CertificatePath, "--tls-key-file", tls.KeyPath, "--tls-ca-cert-file", tls.CaCertificatePath, "--tls-auth-clients", "no"],
            "--bind", "127.0.0.1", "--save", string.Empty,
            "--appendonly", appendOnly ? "yes" : "no", "--dir", directory, "--daemonize", "no", "--protected-mode", "yes",
        ];
        if (password is not null)
        {
            arguments.AddRange(["--requirepass", password]);
        }

        return arguments;
    }

    /// <summary>
    /// Starts redis-server and returns once it accepts connections; throws <see cref="PortInUseException"/> when it
    /// exited because its port was taken. A redis-server that is not ready is gone when this throws.
    /// </summary>
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
        TestProcesses.Start(process);
        try
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            // Exited and its output read to the end, or ready, whichever comes first.
            var exited = process.WaitForExitAsync();
            if (await Task.WhenAny(ready.Task, exited).WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System) != ready.Task)
            {
                var said = string.Join(Environment.NewLine, output);
                throw LoopbackPorts.SaysAddressInUse(said)
                    ? new PortInUseException($"redis-server could not bind port {port}:{Environment.NewLine}{said}")
                    : new InvalidOperationException($"redis-server exited on port {port} before it was ready:{Environment.NewLine}{said}");
            }
        }
        catch (TimeoutException)
        {
            await TestProcesses.ReleaseAsync(process);
            throw new InvalidOperationException($"redis-server on port {port} was not ready within 30 s:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
        }
        catch
        {
            await TestProcesses.ReleaseAsync(process);
            throw;
        }

        return process;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await Connection.DisposeAsync();
        }
        finally
        {
            if (!_process.HasExited)
            {
                _ = SendSignal(_process.Id, SigCont);
            }

            await TestProcesses.ReleaseAsync(_process);
            TestProcesses.DeleteDirectory(_directory);
        }
    }

    /// <summary>A port that was free a moment ago: see <see cref="LoopbackPorts"/> for what a server does when it is not any more.</summary>
    internal static int FreePort() => LoopbackPorts.Next();

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
