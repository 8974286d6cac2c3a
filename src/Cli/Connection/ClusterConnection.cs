using System.CommandLine;
using CacheCluster.Cli.Connection.Http;
using CacheCluster.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CacheCluster.Cli.Connection;

/// <summary>
/// Runs one command against the cluster: connects, calls, disconnects, and turns every expected failure into an
/// exit code and a one-line message on stderr. A command the HTTP API serves (<see cref="HttpCommands"/>) goes to the
/// silo's URL when that is the transport (<see cref="ConnectionOptions.GetUrl"/>), the others through an Orleans
/// client. In an interactive session (<see cref="KeepOpen"/>) the HTTP connection and the Orleans client stay open
/// from one command to the next.
/// </summary>
internal sealed partial class ClusterConnection(ConnectionOptions options) : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    public Task<int> RunAsync(ParseResult parse, Func<IClusterCache, CancellationToken, Task<int>> command, CancellationToken cancellationToken) =>
        RunAsync(parse, (IServiceProvider services, CancellationToken ct) => command(services.GetRequiredService<IClusterCache>(), ct), cancellationToken);

    public async Task<int> RunAsync(ParseResult parse, Func<IServiceProvider, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        if (options.Check(parse) is { } usage)
        {
            return Fail(ExitCodes.Usage, usage);
        }

        try
        {
            if (HttpCommands.Serves(parse.CommandResult.Command.Name) && options.GetUrl(parse) is { } url)
            {
                return await command(GetHttpServices(parse, url), cancellationToken);
            }

            if (KeepOpen)
            {
                return await command((await GetOpenHostAsync(parse, cancellationToken)).Services, cancellationToken);
            }

            using var host = Build(parse);
            await StartAsync(host, parse, cancellationToken);
            try
            {
                return await command(host.Services, cancellationToken);
            }
            finally
            {
                await StopAsync(host);
            }
        }
        catch (OptionsValidationException ex)
        {
            return Fail(ExitCodes.Usage, string.Join(" ", ex.Failures));
        }
        catch (InvalidCacheRequestException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message);
        }
        catch (CacheVersionConflictException ex)
        {
            return Fail(ExitCodes.No, ex.Message);
        }
        catch (CacheSerializationException ex)
        {
            return Fail(ExitCodes.Usage, ex.Message);
        }
        catch (CacheClusterException ex)
        {
            // CacheClusterUnavailableException, CacheStorageException: the cluster could not complete the operation.
            return Fail(ExitCodes.Unavailable, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Fail(ExitCodes.Cancelled, "cancelled; a write already sent may still be applied.");
        }
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"cachecluster: {message}");
        return exitCode;
    }

    private IHost Build(ParseResult parse)
    {
        // No default configuration sources or logging providers: stdout carries only the command's answer.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (parse.GetValue(options.Verbose))
        {
            builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
            builder.Logging.SetMinimumLevel(LogLevel.Information);
        }

        builder.Services.AddCacheClusterClient(client => options.Apply(parse, client));
        return builder.Build();
    }

    private async Task StartAsync(IHost host, ParseResult parse, CancellationToken cancellationToken)
    {
        // The client gives up by itself after the connect timeout; the token is a backstop for a hung attempt.
        var timeout = options.GetConnectTimeout(parse);
        using var backstop = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(2), TimeProvider.System);
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, backstop.Token);
        if (options.GetRedis(parse) is { } redis && await RedisProbe.FindRefusedAsync(redis, timeout, giveUp.Token) is { } refused)
        {
            throw new CacheClusterUnavailableException(
                $"could not connect to the cluster ({Describe(parse)}): Redis refused the connection at {refused} (is redis-server running there?)");
        }

        try
        {
            await host.StartAsync(giveUp.Token);
        }
        catch (Exception ex) when (ex is not OptionsValidationException && !cancellationToken.IsCancellationRequested)
        {
            // The client's own error wraps Orleans' reason, which is what names the cause.
            var cause = ex is CacheClusterUnavailableException { InnerException: { } inner } ? inner : ex;
            var reason = cause is OperationCanceledException ? "timed out" : $"{cause.GetType().Name}: {ClusterFailure.FirstLine(cause.Message)}";
            throw new CacheClusterUnavailableException(
                $"could not connect to the cluster ({Describe(parse)}) within {timeout.TotalSeconds:0.###} s: {reason} " +
                "(is a silo running there, and do --cluster-id and --service-id match the silos'?)", ex);
        }
    }

    private static async Task StopAsync(IHost host)
    {
        // Best effort: the answer is already written, and a lost connection must not change the exit code.
        using var stopping = new CancellationTokenSource(StopTimeout, TimeProvider.System);
        try
        {
            await host.StopAsync(stopping.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException || ClusterFailure.IsTransport(ex))
        {
        }
    }

    private string Describe(ParseResult parse)
    {
        if (options.GetRedis(parse) is not null)
        {
            return $"Redis membership, cluster '{parse.GetValue(options.ClusterId)}'";
        }

        var gateways = options.GetGateways(parse);
        return gateways.Count == 0 ? $"gateway {ConnectionOptions.DefaultGateway}" : $"gateway {string.Join(", ", gateways)}";
    }
}
