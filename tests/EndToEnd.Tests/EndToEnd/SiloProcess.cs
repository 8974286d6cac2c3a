using System.Diagnostics;
using System.Globalization;
using System.Text;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// The real silo program (<c>CacheCluster.Silo.dll</c>) running as an OS process on free loopback ports (silo,
/// gateway and HTTP: several silos run on one machine, so none keeps the default HTTP port 5080), picked again when one
/// was taken before the silo bound it. Disposal sends SIGTERM and waits for a graceful exit, then kills whatever is left.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    /// <summary>What the silo prints once it has joined its cluster and opened its gateway.</summary>
    public const string ReadyLine = "CacheCluster silo ready";

    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan GracefulExitTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly Task _exited;
    private int _disposed;

    private readonly string[] _arguments;

    private SiloProcess(Process process, StringBuilder output, int siloPort, int gatewayPort, int httpPort, ClusterIdentity? identity, string[] arguments)
    {
        _arguments = arguments;
        HttpPort = httpPort;
        _process = process;
        _output = output;
        _exited = process.WaitForExitAsync();
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        Identity = identity;
    }

    public int SiloPort { get; }

    /// <summary>Gets the silo's OS process id.</summary>
    public int ProcessId => _process.Id;

    public int GatewayPort { get; }

    /// <summary>Gets the port of the silo's HTTP API.</summary>
    public int HttpPort { get; }

    /// <summary>Gets the base address of the silo's HTTP API.</summary>
    public Uri HttpAddress => new($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The cluster and service id passed to the silo, or <see langword="null"/> when it runs on its defaults.</summary>
    public ClusterIdentity? Identity { get; }

    public string Gateway => $"127.0.0.1:{GatewayPort}";

    /// <summary>The CLI options that connect to this silo's gateway with its cluster and service id.</summary>
    public IReadOnlyList<string> CliConnection => ["--gateway", Gateway, .. Identity?.CliArguments ?? [], .. CliRunner.PatientConnect];

    /// <summary>Everything the silo wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the silo with free silo, gateway and HTTP ports, the cluster and service id of <paramref name="identity"/>
    /// (or the silo's defaults when <see langword="null"/>) and <paramref name="arguments"/>, and returns once it is
    /// ready. A port taken before the silo binds it means new ports and another start (see <see cref="LoopbackPorts"/>).
    /// </summary>
    public static async Task<SiloProcess> StartAsync(ClusterIdentity? identity, params string[] arguments)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = LoopbackPorts.Distinct(3);
            try
            {
                return await StartOnceAsync(identity, ports[0], ports[1], ports[2], arguments);
            }
            catch (PortInUseException) when (attempt < LoopbackPorts.FreshAttempts)
            {
            }
        }
    }

    /// <summary>
    /// Starts the silo once with its HTTP API on <paramref name="httpPort"/>, which something else (a Varnish in front of
    /// it) was told before; throws <see cref="PortInUseException"/> when any of its ports was taken, for the caller to
    /// pick new ones for both.
    /// </summary>
    public static Task<SiloProcess> StartOnHttpPortAsync(ClusterIdentity? identity, int httpPort, params string[] arguments)
    {
        var ports = LoopbackPorts.Distinct(2);
        while (ports.Contains(httpPort))
        {
            ports = LoopbackPorts.Distinct(2);
        }

        return StartOnceAsync(identity, ports[0], ports[1], httpPort, arguments);
    }

    /// <summary>
    /// Starts this silo again, on the same ports with the same arguments, once it has exited (killed or stopped), and
    /// returns the new process once it is ready: a restart, as a service manager would do. While something else still
    /// holds one of its ports, it tries again, a bounded number of times.
    /// </summary>
    public async Task<SiloProcess> RestartAsync()
    {
        if (!_process.HasExited)
        {
            throw new InvalidOperationException($"The silo (gateway {Gateway}) is still running.");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(Identity, SiloPort, GatewayPort, HttpPort, _arguments);
            }
            catch (PortInUseException) when (attempt < LoopbackPorts.RestartAttempts)
            {
                await Task.Delay(LoopbackPorts.RestartRetryDelay, TimeProvider.System);
            }
        }
    }

    private static async Task<SiloProcess> StartOnceAsync(ClusterIdentity? identity, int siloPort, int gatewayPort, int httpPort, string[] arguments)
    {
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = ChildProcesses.Start(
            BuiltPrograms.Silo,
            [
                $"--CacheCluster:SiloPort={siloPort.ToString(CultureInfo.InvariantCulture)}",
                $"--CacheCluster:GatewayPort={gatewayPort.ToString(CultureInfo.InvariantCulture)}",
                $"--urls=http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}",
                .. identity?.SiloArguments ?? [],
                .. arguments,
            ]);
        process.OutputDataReceived += (_, line) =>
        {
            Append(output, line.Data);
            if (line.Data?.StartsWith(ReadyLine, StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var silo = new SiloProcess(process, output, siloPort, gatewayPort, httpPort, identity, arguments);
        try
        {
            var first = await Task.WhenAny(ready.Task, silo._exited).WaitAsync(ReadyTimeout, TimeProvider.System);
            if (first != ready.Task)
            {
                var message = $"The silo (silo port {siloPort}, gateway port {gatewayPort}, HTTP port {httpPort}) exited with code {process.ExitCode} before it was ready. Output:\n{silo.Output}";
                throw LoopbackPorts.SaysAddressInUse(silo.Output) ? new PortInUseException(message) : new InvalidOperationException(message);
            }
        }
        catch (TimeoutException)
        {
            await silo.DisposeAsync();
            throw new TimeoutException(
                $"The silo (silo port {siloPort}, gateway port {gatewayPort}) did not print '{ReadyLine}' within {ReadyTimeout.TotalSeconds} s. Output:\n{silo.Output}");
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    /// <summary>Runs the silo with exactly <paramref name="arguments"/> and waits for it to exit, as a start that must fail does.</summary>
    public static Task<ProcessResult> RunToExitAsync(params string[] arguments) =>
        ChildProcesses.RunAsync(BuiltPrograms.Silo, arguments, ReadyTimeout);

    /// <summary>
    /// Runs the silo on free silo, gateway and HTTP ports with <paramref name="arguments"/> and waits for it to exit, as
    /// a start that must fail after the silo has bound its ports does; when a port was taken, runs it again on new ones.
    /// </summary>
    public static async Task<ProcessResult> RunToExitOnFreePortsAsync(params string[] arguments)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = LoopbackPorts.Distinct(3);
            var result = await RunToExitAsync(
            [
                $"--CacheCluster:SiloPort={ports[0].ToString(CultureInfo.InvariantCulture)}",
                $"--CacheCluster:GatewayPort={ports[1].ToString(CultureInfo.InvariantCulture)}",
                $"--urls=http://127.0.0.1:{ports[2].ToString(CultureInfo.InvariantCulture)}",
                .. arguments,
            ]);
            if (!LoopbackPorts.SaysAddressInUse(result.Stdout + result.Stderr) || attempt == LoopbackPorts.FreshAttempts)
            {
                return result;
            }
        }
    }

    /// <summary>Sends SIGTERM and returns the exit code; throws <see cref="TimeoutException"/> if the silo is still running after <paramref name="timeout"/>.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        ChildProcesses.Terminate(_process);
        try
        {
            await _exited.WaitAsync(timeout, TimeProvider.System);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The silo (gateway {Gateway}) was still running {timeout.TotalSeconds} s after SIGTERM. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the silo at once (SIGKILL), as a crash or an out-of-memory kill would.</summary>
    public Task KillAsync() => ChildProcesses.KillAsync(_process);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                await TerminateAsync(GracefulExitTimeout);
            }
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            await ChildProcesses.ReleaseAsync(_process);
        }
    }

    /// <summary>Appends one line of a child process's output, from its reader threads.</summary>
    internal static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
