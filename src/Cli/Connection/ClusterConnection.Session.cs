using System.CommandLine;
using CacheCluster.Cli.Connection.Http;
using Microsoft.Extensions.Hosting;

namespace CacheCluster.Cli.Connection;

/// <summary>The connections kept from one command to the next: the HTTP client always, the Orleans client in a session.</summary>
internal sealed partial class ClusterConnection
{
    private HttpApiClient? _http;
    private IHost? _host;
    private string? _hostTarget;

    /// <summary>Gets or sets whether the Orleans client stays connected after a command (the interactive mode).</summary>
    public bool KeepOpen { get; set; }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        _http = null;
        await CloseHostAsync();
    }

    private HttpServices GetHttpServices(ParseResult parse, Uri url)
    {
        var apiKey = options.GetApiKey(parse);
        if (_http is null || _http.BaseAddress != url || _http.ApiKey != apiKey)
        {
            _http?.Dispose();
            _http = new HttpApiClient(url, apiKey, options.GetConnectTimeout(parse));
        }

        return new HttpServices(_http);
    }

    private async Task<IHost> GetOpenHostAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        // A line that names other gateways or ids gets a client of its own, replacing the session's.
        var target = $"{Describe(parse)}|{parse.GetValue(options.ClusterId)}|{parse.GetValue(options.ServiceId)}";
        if (_host is not null && _hostTarget == target)
        {
            return _host;
        }

        await CloseHostAsync();
        var host = Build(parse);
        try
        {
            await StartAsync(host, parse, cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        (_host, _hostTarget) = (host, target);
        return host;
    }

    private async Task CloseHostAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await StopAsync(host);
            host.Dispose();
        }
    }
}
