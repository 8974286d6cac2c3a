using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace CacheCluster.Cli.Connection;

/// <summary>
/// Opens a TCP connection to each Redis endpoint before the client starts, so that a Redis that is not running is
/// reported at once as refused: the Redis client itself retries a refused endpoint until the connect timeout, and then
/// reports only that it timed out.
/// </summary>
internal static class RedisProbe
{
    private const int DefaultPort = 6379;
    private const int DefaultTlsPort = 6380;

    /// <summary>
    /// Returns the endpoints when every one of them refused the connection, else <see langword="null"/> (one accepted,
    /// or failed another way, which the client then reports).
    /// </summary>
    public static async Task<string?> FindRefusedAsync(string connectionString, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException)
        {
            return null; // The options validator reports the bad string.
        }

        var endpoints = configuration.EndPoints.Select(endpoint => WithPort(endpoint, configuration.Ssl ? DefaultTlsPort : DefaultPort)).ToList();
        if (endpoints.Count == 0)
        {
            return null;
        }

        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        giveUp.CancelAfter(timeout);
        var refused = await Task.WhenAll(endpoints.Select(endpoint => RefusesAsync(endpoint, giveUp.Token)));
        return refused.All(answer => answer) ? string.Join(", ", endpoints.Select(Format)) : null;
    }

    private static async Task<bool> RefusesAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
            return false;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode == SocketError.ConnectionRefused;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static EndPoint WithPort(EndPoint endpoint, int port) => endpoint switch
    {
        DnsEndPoint { Port: 0 } dns => new DnsEndPoint(dns.Host, port),
        IPEndPoint { Port: 0 } ip => new IPEndPoint(ip.Address, port),
        _ => endpoint,
    };

    private static string Format(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
        _ => endpoint.ToString() ?? string.Empty,
    };
}
